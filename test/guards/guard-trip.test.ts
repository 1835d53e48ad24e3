import { describe, expect, it } from 'vitest';
import { writeReports } from '../../harness/report/write-reports.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

describe('a guard on a deliberately broken target', () => {
  it('trips: load stops and faults are removed within 1 s, the verdict is aborted with the guard, and the report is written', async () => {
    await using target = await startTargetBehindToxiproxy(500);
    const scenario = validateScenario({
      name: 'guarded',
      target: { baseUrl: target.baseUrl },
      toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
      requests: [{ path: '/' }],
      phases: [
        { name: 'warm', duration: '1s', rate: 50 },
        { name: 'chaos', duration: '40s', rate: 50, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 20 }] },
      ],
      guards: [{ name: 'error storm', metric: 'http_req_failed', trip: 'rate>0.2', for: '2s' }],
    });
    const startedMs = Date.now();
    const report = await runScenario(scenario);
    expect(Date.now() - startedMs).toBeLessThan(20_000);
    expect(report.verdict, report.verdictReason).toBe('aborted');
    // Its own exit code: not a failed check (1), not a broken harness (3).
    expect(report.exitCode).toBe(4);
    expect(report.verdictReason).toMatch(/^stopped by guard "error storm" \(rate 1 > 0\.2 in every second for 2s\)$/);
    const trip = report.guards.find((g) => g.tripped)!;
    const trippedAtMs = Date.parse(trip.trippedAt!);
    const fault = report.faults[0]!;
    expect(Date.parse(fault.removedAt!) - trippedAtMs).toBeLessThanOrEqual(1_000);
    expect(target.requestTimesMs.filter((t) => t > trippedAtMs + 1_000)).toEqual([]);
    expect(target.requestTimesMs.length).toBeGreaterThan(50);
    expect((await toxiproxyState(target.toxiproxy.url)).flatMap((p) => p.toxics)).toEqual([]);
    // Everything recorded until the trip is in the report.
    expect(report.phases.find((p) => p.name === 'chaos')!.requests).toBeGreaterThan(0);
    const { reportDir } = await writeTempScenario({});
    const files = await writeReports(report, reportDir);
    const written = JSON.parse(
      await readFile(
        files.find((f) => path.basename(f) === 'report.json')!,
        'utf8',
      ),
    );
    expect(written.verdict).toBe('aborted');
    expect(written.guards[0]).toMatchObject({ name: 'error storm', tripped: true });
  });
});
