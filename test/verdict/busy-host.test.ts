import { describe, expect, it } from 'vitest';
import { startBusyLoops } from '../support/busy-loops.ts';
import { startCountingServerProcess } from '../support/counting-server-process.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

describe('a busy host: the send lag is an error bar, not a veto', () => {
  it(
    "with three busy loops on ordeal's core, a wide margin PASSES, a threshold within the lag is INCONCLUSIVE with the numbers, and the report says once that the host was busy",
    { timeout: 60_000 },
    async () => {
      // The service has a core of its own and a known service time (20 ms); ordeal shares core 0 with two busy loops.
      // (Measured this way with two loops: send lag p99 13–15 ms, p95 ~31 ms, once 8.0 ms in a CI run, under the 10 ms
      // this test needs to be about a busy host: three now. At nice 0 the lag was 5–8 ms, at nice 10 41–64 ms.)
      const server = await startCountingServerProcess({ delayMs: 20, cpu: 1 });
      try {
        const { file, reportDir } = await writeTempScenario({
          name: 'busy-host',
          target: { baseUrl: server.url },
          requests: [{ path: '/' }],
          load: { workers: 1 },
          phases: [{ name: 'steady', duration: '8s', rate: 50 }],
          // 2 s: far above anything a 20 ms service shows, lag included. 23 ms: the service meets it (20 ms + a timer's lateness), the lag hides that.
          slos: [{ http_req_duration: ['p(95)<2000', 'p(95)<23'], http_req_failed: ['rate<0.01'] }],
        });
        // ordeal on core 0, a little below normal priority (nice 5, like a scheduled job); once its phase runs, three busy loops take that core.
        const run = startCli(['run', file, '--report-dir', reportDir, '--no-compare'], {}, [
          'nice',
          '-n',
          '5',
          'taskset',
          '-c',
          '0',
        ]);
        await run.waitForOutput(/phase steady/);
        {
          await using _busy = startBusyLoops(3, { cpu: 0 });
          // Until the phase's last second (the live line says "1s left"): the report is then written on a free core.
          await run.waitForOutput(/elapsed, (1s|\d+ms) left|verdict:/, 40_000);
        }
        const code = await run.exit;
        const report = await readOnlyReport(reportDir);
        const phase = report.phases[0];
        const byExpected = Object.fromEntries(report.checks.map((c: { expected: string }) => [c.expected, c]));
        // The host really was busy: the lag is well over its 10 ms limit.
        expect(phase.sendLagMs.p99).toBeGreaterThan(10);
        expect(byExpected['p(95)<2000'].status).toBe('pass');
        expect(byExpected['rate<0.01'].status).toBe('pass');
        expect(byExpected['p(95)<23'].status).toBe('inconclusive');
        expect(byExpected['p(95)<23'].reason).toMatch(
          /is within the generator's own lateness \([\d.]+ ms: twice its send lag, for sending and for reading the answer\) of p\(95\)<23: the service's own value lies between [\d.]+ and [\d.]+ ms/,
        );
        // Said once for the run, not in every check.
        expect(report.warnings).toHaveLength(1);
        expect(report.warnings[0]).toMatch(/^the machine running ordeal was busy: send lag p99 [\d.]+ ms in steady/);
        expect(report.verdict, report.verdictReason).toBe('inconclusive');
        expect(code).toBe(5);
      } finally {
        await server.stop();
      }
    },
  );
});
