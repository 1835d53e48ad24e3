import { describe, expect, it } from 'vitest';
import { faultToxicsOn, scenarioBehindToxiproxy, startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { startCli } from '../support/run-cli.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

/** How long the test holds ordeal stopped (SIGSTOP … SIGCONT): a GC pause, a frozen VM, a suspended laptop. */
const PAUSE_MS = 10_000;

describe("an ordeal paused across a fault phase's end (SIGSTOP for 10 s)", () => {
  // The two models side by side: each has its own target, Toxiproxy and ordeal process, and most of the time is the pause.
  it.concurrent.each([
    [
      'open',
      {
        phases: [
          { name: 'steady', duration: '2s', rate: 40 },
          { name: 'slow-api', duration: '4s', rate: 40, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 5 }] },
          { name: 'after', duration: '2s', rate: 40 },
        ],
      },
    ],
    [
      'closed',
      {
        load: notAboutTheGenerator({ model: 'closed', warmup: false }),
        phases: [
          { name: 'steady', duration: '2s', vus: 2 },
          { name: 'slow-api', duration: '4s', vus: 2, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 5 }] },
          { name: 'after', duration: '2s', vus: 2 },
        ],
        limits: { maxRatePerSec: 200 },
      },
    ],
  ] as const)(
    '%s model: the phase is INCONCLUSIVE naming the stretch, the fault someone removed meanwhile is noticed, and the exit code says inconclusive',
    { timeout: 60_000 },
    async (_model, shape) => {
      await using target = await startTargetBehindToxiproxy();
      const { file, reportDir } = await scenarioBehindToxiproxy(
        target,
        'paused',
        shape.phases as unknown as unknown[],
        shape,
      );
      const run = startCli(['run', file, '--report-dir', reportDir, '--no-compare']);
      // A second into the fault phase: stop ordeal (and its load workers: one process), past the phase's planned end.
      await run.waitForOutput(/fault on: api latency/);
      await run.waitForOutput(/\[slow-api 2\/3\] 3s elapsed/);
      run.child.kill('SIGSTOP');
      const stoppedAtMs = Date.now();
      // Meanwhile someone (another `ordeal cleanup`, an operator) removes the fault.
      const [toxic] = await faultToxicsOn(target);
      await fetch(`${target.toxiproxy.url}/proxies/api/toxics/${toxic}`, { method: 'DELETE' });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAtMs + PAUSE_MS - Date.now())));
      run.child.kill('SIGCONT');
      const code = await run.exit;
      const report = await readOnlyReport(reportDir);

      const stalls = report.clock.stalls as { from: string; to: string; durationMs: number }[];
      expect(stalls).toHaveLength(1);
      expect(stalls[0]!.durationMs).toBeGreaterThan(PAUSE_MS - 1_000);
      const faultChecks = report.checks.filter((c: { phase: string }) => c.phase === 'slow-api');
      expect(faultChecks.length).toBeGreaterThan(0);
      for (const check of faultChecks) {
        expect(check.status).toBe('inconclusive');
        expect(check.reason).toMatch(
          /^(ordeal was not running from \+\d+\.\d s to \+\d+\.\d s|fault api: latency .* was removed externally)/,
        );
      }
      expect(report.checks.find((c: { phase: string }) => c.phase === 'steady').status).toBe('pass');
      // The fault someone removed during the pause is recorded as such, not as removed by ordeal.
      expect(report.faults[0].removedExternallyAt).toBeDefined();
      expect(report.warnings.join('\n')).toMatch(
        /ordeal was not running from \+\d+\.\d s to \+\d+\.\d s \(\d+\.\d s; a stall over 1\.0 s\)/,
      );
      expect(report.verdict, report.verdictReason).toBe('inconclusive');
      expect(code).toBe(5);
    },
  );
});
