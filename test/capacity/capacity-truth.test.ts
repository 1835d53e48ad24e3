import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCapacity } from '../../harness/capacity/find-capacity.ts';
import { capacitySummary, type CapacityReport } from '../../harness/capacity/capacity-report.ts';
import { startCountingServerProcess } from '../support/counting-server-process.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { startTestServer } from '../support/test-server.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { startFixedCapacityServer } from '../support/fixed-capacity-server.ts';
import { scenarioAt } from '../support/scenario-at.ts';

/**
 * Truth tests of `ordeal capacity` on services whose capacity is known: real servers on loopback, real runs of
 * ordeal's generator. Steps are short (settle 1 s, hold 3 s) so the search fits a test.
 */
const SHORT_STEPS = { settleMs: 1_000, holdMs: 3_000, cooldownMs: 500 };

describe('ordeal capacity finds what a service holds', () => {
  it(
    'a service of 4 workers at 20 ms each (200 req/s): the answer within 10 %, the first failing rate an SLO breach',
    { timeout: 240_000 },
    async () => {
      await using service = await startFixedCapacityServer(4, 20);
      const report = await findCapacity(
        scenarioAt(service.url, {
          // About the service's capacity, not ordeal's timing: beside other tests its send lag is judged loosely (a
          // late send still counts in the latency, which the SLO's 300 ms leaves room for), so no step is "ordeal
          // could not keep up". Above 200 req/s the queue grows (rate − 200) a second: p99 passes 300 ms within
          // the hold from about 214 req/s.
          load: notAboutTheGenerator({ warmup: false }),
          phases: [{ name: 'peak', duration: '30s', rate: 100 }],
          slos: [{ http_req_duration: ['p(99)<300'], http_req_failed: ['rate<0.01'] }],
        }),
        { ...SHORT_STEPS, startRate: 120 },
      );
      const steps = report.steps.map((s) => `${s.stage} ${s.rate}: ${s.kind} p99 ${s.p99Ms} (${s.reason})`).join('\n');
      expect(report.limitedBy, steps).toBe('service');
      expect(report.heldRate, steps).toBeGreaterThanOrEqual(180);
      expect(report.heldRate, steps).toBeLessThanOrEqual(220);
      expect(report.heldRate, steps).toBeLessThanOrEqual(214 * 1.05);
      expect(report.firstFailing!.kind, steps).toMatch(/^(breach|plateau)$/);
      // Bisected to within 5 % of the lowest rate not shown to hold (one that failed, or that ordeal could not judge:
      // beside other tests p99 at ~214 req/s can lie within its own lateness of the 300 ms limit).
      const notHeld = report.steps.filter((s) => s.kind !== 'pass' && s.rate > report.heldRate!).map((s) => s.rate);
      expect(Math.min(...notHeld) / report.heldRate!, steps).toBeLessThanOrEqual(1.05);
      expect(report.headroom).toBeCloseTo(report.heldRate! / 100, 2);
      expect(
        report.steps.slice(0, 2).map((s) => s.kind),
        steps,
      ).toEqual(['pass', 'pass']);
      // The knee comes before the answer (p99 turns up as the queue starts to form), never past it.
      expect(report.kneeRate, steps).not.toBeNull();
      expect(report.kneeRate!, steps).toBeLessThanOrEqual(report.heldRate!);
    },
  );

  it(
    'from the command line: capacity.json for CI, exit 0 with the headroom asked for, 1 without; bad input exit 2 before any load',
    { timeout: 120_000 },
    async () => {
      let requests = 0;
      await using service = await startTestServer((_request, response) => (requests++, response.end('ok')));
      const { file, reportDir } = await writeTempScenario({
        name: 'fast',
        target: { baseUrl: service.url },
        load: notAboutTheGenerator({ warmup: false }),
        requests: [{ path: '/' }],
        phases: [{ name: 'peak', duration: '30s', rate: 50 }],
        slos: [{ http_req_duration: ['p(99)<500'] }],
      });
      const short = ['--settle', '1s', '--hold', '2s', '--cooldown', '500ms', '--report-dir', reportDir];
      // A service faster than the ceiling asked for: it holds the ceiling (60 req/s), 1.2× the planned peak.
      const held = await runCli(['capacity', file, '--start-rate', '40', '--max-rate', '60', ...short], {}, 60_000);
      expect(held.code, held.stderr).toBe(0);
      expect(held.stdout).toMatch(/Highest rate that held every SLO of phase "peak": 60 req\/s/);
      expect(held.stderr).toMatch(/ordeal capacity: probe 40 req\/s: pass/);
      const [folder] = (await readdir(reportDir)).filter((name) => name.startsWith('capacity-'));
      const json = JSON.parse(await readFile(path.join(reportDir, folder!, 'capacity.json'), 'utf8')) as CapacityReport;
      expect(json).toMatchObject({ heldRate: 60, limitedBy: 'ceiling', headroom: 1.2, plannedPeakRate: 50 });
      const html = await readFile(path.join(reportDir, folder!, 'capacity.html'), 'utf8');
      expect(html.match(/<g data-step="pass" data-rate="(40|60)"/g)).toHaveLength(json.steps.length);
      const notEnough = await runCli(
        ['capacity', file, '--start-rate', '60', '--max-rate', '60', '--require-headroom', '1.5', ...short],
        {},
        60_000,
      );
      expect(notEnough.code, notEnough.stderr).toBe(1);
      expect(notEnough.stdout).toMatch(/1\.20× \(under the 1\.5× required\)/);

      const sent = requests;
      const badPhase = await runCli(['capacity', file, '--phase', 'peek', ...short], {}, 30_000);
      expect(badPhase.code).toBe(2);
      expect(badPhase.stderr).toMatch(/--phase: "peek" is not a phase of scenario "fast" \(its phases: peak\)/);
      const noFault = await runCli(['capacity', file, '--n-minus-1', 'peak', ...short], {}, 30_000);
      expect(noFault.code).toBe(2);
      expect(noFault.stderr).toMatch(/--n-minus-1: "peak" is not a phase of scenario "fast" that holds a fault/);
      const coarse = await runCli(['capacity', file, '--precision', '2', ...short], {}, 30_000);
      expect(coarse.code).toBe(2);
      expect(coarse.stderr).toMatch(/--precision: 2 is outside 0\.005–0\.5/);
      const overLimit = await runCli(['capacity', file, '--max-rate', '99999', ...short], {}, 30_000);
      expect(overLimit.code).toBe(2);
      expect(overLimit.stderr).toMatch(/--max-rate: 99999 is over the scenario's limits\.maxRatePerSec/);
      expect(requests).toBe(sent);
    },
  );

  it(
    "a service faster than ordeal: the search ends at ordeal's own limit, never reported as the service's capacity",
    { timeout: 120_000 },
    async () => {
      // A server in a process of its own that answers at once, and ordeal held to a 2 ms send lag: its timers
      // (a millisecond or two late; more beside other tests) reach that bound long before the server is busy.
      await using service = await startCountingServerProcess();
      const report = await findCapacity(
        scenarioAt(service.url, {
          load: { warmup: false, maxSendLag: '2ms', workers: 1 },
          phases: [{ name: 'peak', duration: '30s', rate: 200 }],
          slos: [{ http_req_duration: ['p(99)<500'], http_req_failed: ['rate<0.01'] }],
        }),
        { settleMs: 1_000, holdMs: 2_000, cooldownMs: 0, startRate: 100 },
      );
      const steps = report.steps
        .map((s) => `${s.stage} ${s.rate}: ${s.kind} lag ${s.sendLagP99Ms} (${s.reason})`)
        .join('\n');
      expect(report.limitedBy, steps).toBe('generator');
      expect(report.firstFailing, steps).toBeNull();
      expect(report.generatorLimit, steps).not.toBeNull();
      if (report.heldRate !== null) expect(report.heldRate, steps).toBeLessThan(report.generatorLimit!);
      // Its last two steps: the limit, run once more before it is taken as ordeal's.
      expect(report.steps.slice(-2).map((s) => [s.rate, s.kind])).toEqual([
        [report.generatorLimit, 'generator-limited'],
        [report.generatorLimit, 'generator-limited'],
      ]);
      const summary = capacitySummary(report);
      expect(summary, steps).not.toMatch(/The service did not hold|First that did not/);
      expect(summary).toMatch(
        report.heldRate === null
          ? /nothing was measured of the service \(ordeal could not offer even the start rate\)/
          : new RegExp(
              `ordeal's limit was reached at ${report.generatorLimit} req/s and the service held every step below it`,
            ),
      );
    },
  );

  it('SIGINT during a search: the step stops, what was found is written, exit 130', { timeout: 60_000 }, async () => {
    await using service = await startTestServer((_request, response) => response.end('ok'));
    const { file, reportDir } = await writeTempScenario({
      name: 'interrupted',
      target: { baseUrl: service.url },
      load: notAboutTheGenerator({ warmup: false }),
      requests: [{ path: '/' }],
      phases: [{ name: 'peak', duration: '30s', rate: 20 }],
      slos: [{ http_req_duration: ['p(99)<500'] }],
    });
    const run = startCli([
      'capacity',
      file,
      '--settle',
      '1s',
      '--hold',
      '2s',
      '--cooldown',
      '1s',
      '--report-dir',
      reportDir,
    ]);
    await run.waitForOutput(/ordeal capacity: probe 10 req\/s: pass/, 30_000);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.stderr()).toMatch(/ordeal: SIGINT: stopping load, removing faults, writing the report/);
    const [folder] = (await readdir(reportDir)).filter((name) => name.startsWith('capacity-'));
    const json = JSON.parse(await readFile(path.join(reportDir, folder!, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(json).toMatchObject({ heldRate: 10, limitedBy: 'stopped' });
    expect(json.stoppedBecause).toMatch(/^the step at 15 req\/s stopped: .*SIGINT/);
  });
});
