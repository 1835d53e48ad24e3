import { describe, expect, it } from 'vitest';
import { ClockWatch } from '../../harness/run/clock-watch.ts';
import { clockWarnings, withoutStalls, withWallClockEvidence } from '../../harness/verdict/clock-evidence.ts';
import type { CheckResult } from '../../harness/checks/check-result.ts';
import type { ResilienceCheck } from '../../harness/checks/check-registry.ts';

/** Looks every 250 ms from `fromMs` to `toMs` with the wall clock `offsetOf(t)` from the time base. */
function look(watch: ClockWatch, fromMs: number, toMs: number, offsetOf: (t: number) => number = () => 0): void {
  for (let t = fromMs; t <= toMs; t += 250) watch.sample(t, offsetOf(t));
}

describe('ClockWatch', () => {
  it('sees nothing on a steady machine: looks on time, the wall clock where it was', () => {
    const watch = new ClockWatch();
    look(watch, 0, 60_000, (t) => t * 0.000_01); // 0.6 ms of drift over a minute
    expect(watch.record()).toMatchObject({ stalls: [], steps: [] });
    expect(Math.abs(watch.record().driftMs)).toBeLessThan(1);
  });

  it('records a stretch when ordeal did not run (a look 40 s late), and says so at once', () => {
    const heard: unknown[] = [];
    const watch = new ClockWatch({ onStall: (stall) => heard.push(stall) });
    look(watch, 0, 3_000);
    look(watch, 43_000, 45_000);
    expect(watch.record().stalls).toEqual([{ fromMs: 3_000, toMs: 43_000 }]);
    expect(heard).toHaveLength(1);
  });

  it('does not call a look a little late (a busy second) a stall', () => {
    const watch = new ClockWatch();
    watch.sample(0, 0);
    watch.sample(1_200, 0); // 950 ms late: under the 1 s bound
    expect(watch.record().stalls).toEqual([]);
  });

  it('tells a step of the wall clock (+5 s, then −5 s) from its slow drift', () => {
    const watch = new ClockWatch();
    look(watch, 0, 10_000, (t) => (t >= 4_000 && t < 8_000 ? 5_000 : 0) + t * 0.000_2);
    const record = watch.record();
    expect(record.steps.map((s) => [s.atMs, Math.round(s.byMs)])).toEqual([
      [4_000, 5_000],
      [8_000, -5_000],
    ]);
    expect(record.driftMs).toBeCloseTo(2, 0);
  });

  it('reports a slow drift beyond its bound', () => {
    const watch = new ClockWatch({ driftBoundMs: 1_000 });
    look(watch, 0, 600_000, (t) => t * 0.003); // 3 ms per second: 1.8 s over 10 min, never a step
    const record = watch.record();
    expect(record.steps).toEqual([]);
    expect(record.driftMs).toBeCloseTo(1_800, -1);
    expect(clockWarnings(record, 0).join(' ')).toMatch(/the wall clock drifted \+1\.8 s over the run/);
  });
});

describe('the judge and the clock evidence', () => {
  const check = (phase: string, status: CheckResult['status'] = 'pass'): CheckResult => ({
    name: `p95 of ${phase}`,
    phase,
    metric: 'http_req_duration',
    status,
    passed: status === 'pass',
    observed: 10,
    expected: 'p(95)<500',
  });
  const windows = new Map([
    ['before', { startMs: 0, endMs: 10_000 }],
    ['fault', { startMs: 10_000, endMs: 30_000 }],
    ['after', { startMs: 30_000, endMs: 40_000 }],
  ]);
  const record = {
    stalls: [{ fromMs: 25_000, toMs: 35_000 }],
    steps: [],
    driftMs: 0,
    stallBoundMs: 1_000,
    driftBoundMs: 1_000,
  };

  it('makes every check of a phase a stall overlaps INCONCLUSIVE, naming the stretch; others keep their result', () => {
    const judged = withoutStalls([check('before'), check('fault', 'fail'), check('after')], windows, record, 0);
    expect(judged.map((c) => c.status)).toEqual(['pass', 'inconclusive', 'inconclusive']);
    expect(judged[1]!.reason).toBe(
      'ordeal was not running from +25.0 s to +35.0 s (its process stalled: a SIGSTOP, a frozen VM, CPU starvation): this phase has a hole in its evidence',
    );
  });

  it("makes checks on Prometheus' signals INCONCLUSIVE after a wall-clock step; a check on ordeal's own probes stands", () => {
    const stepped = {
      stalls: [],
      steps: [{ atMs: 12_000, byMs: 5_000 }],
      driftMs: 0,
      stallBoundMs: 1_000,
      driftBoundMs: 1_000,
    };
    const alert = { kind: 'alert', alert: 'HighLatency', phases: ['fault'] } as unknown as ResilienceCheck;
    const health = { kind: 'health', probe: 'ready', phases: ['fault'] } as unknown as ResilienceCheck;
    expect(withWallClockEvidence(alert, [check('fault')], stepped, 0)[0]).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(
        /^the wall clock stepped \+5\.0 s at \+12\.0 s: Prometheus stamps its samples by the wall clock/,
      ),
    });
    expect(withWallClockEvidence(health, [check('fault')], stepped, 0)[0]!.status).toBe('pass');
    expect(withWallClockEvidence(alert, [check('fault')], { ...stepped, steps: [] }, 0)[0]!.status).toBe('pass');
  });

  it("says each stall and step once, in the report's warnings", () => {
    const warnings = clockWarnings({ ...record, steps: [{ atMs: 12_000, byMs: -5_000 }] }, 0);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^ordeal was not running from \+25\.0 s to \+35\.0 s \(10\.0 s; a stall over 1\.0 s\)/);
    expect(warnings[1]).toMatch(/^the wall clock stepped −5\.0 s at \+12\.0 s/);
  });
});
