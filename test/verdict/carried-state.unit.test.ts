import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../harness/verdict/run-records.ts';
import { readsOf } from '../../harness/checks/check-registry.ts';
import { checkSchema } from '../../harness/checks/check-registry.ts';
import type { RecordedSignals, SeriesResult, TimePoint } from '../../harness/checks/recorded-signals.ts';
import { evaluateResilienceCheck } from '../../harness/checks/check-registry.ts';
import { replicaShare } from '../../harness/checks/failover-check.ts';
import type { ResilienceContext } from '../../harness/checks/resilience-context.ts';

// peak 0–20 s (no fault), slow 20–40 s (fault on bank), calm 40–60 s, down-1 60–80 s and down-2 80–100 s (back to back on bank), after 100–130 s.
const windows = new Map([
  ['peak', { startMs: 0, endMs: 20_000 }],
  ['slow', { startMs: 20_000, endMs: 40_000 }],
  ['calm', { startMs: 40_000, endMs: 60_000 }],
  ['down-1', { startMs: 60_000, endMs: 80_000 }],
  ['down-2', { startMs: 80_000, endMs: 100_000 }],
  ['after', { startMs: 100_000, endMs: 130_000 }],
]);
const faultIn = (phase: string, fromMs: number, toMs: number, kind: 'latency' | 'down' = 'latency'): FaultRecord =>
  ({
    id: phase,
    phase,
    fault:
      kind === 'down'
        ? { kind: 'down', proxy: 'bank' }
        : { kind: 'latency', proxy: 'bank', latencyMs: 800, jitterMs: 0, stream: 'downstream', toxicity: 1 },
    appliedAtMs: fromMs,
    removedAtMs: toMs,
  }) as FaultRecord;
const faults = [
  faultIn('slow', 20_000, 40_000),
  faultIn('down-1', 60_000, 80_000, 'down'),
  faultIn('down-2', 80_000, 100_000, 'down'),
];
const series = (f: (t: number) => number): TimePoint[] =>
  Array.from({ length: 131 }, (_, s) => ({ atMs: s * 1_000, value: f(s * 1_000) }));
const context = (signals: Partial<RecordedSignals>): ResilienceContext => ({
  windows,
  faults,
  load: [],
  signals: { series: new Map(), alerts: { firing: new Map() }, health: new Map(), ...signals },
  observedUntilMs: 130_000,
  startedAtMs: 0,
});
const parse = (check: unknown) => checkSchema.parse(check);
const seriesOf = (check: unknown, ...values: SeriesResult[]) =>
  new Map(readsOf(parse(check)).map((read, i) => [read.key, values[i]!]));
const judge = (check: unknown, signals: Partial<RecordedSignals>) =>
  evaluateResilienceCheck(parse(check), context(signals));
const firingDuring = (...spans: [number, number][]) =>
  new Map([
    [
      'BankSlow',
      { severity: 'warning', points: series(() => 1).filter((p) => spans.some(([a, b]) => p.atMs >= a && p.atMs < b)) },
    ],
  ]);

describe('a state carried into a fault', () => {
  const breaker = {
    kind: 'breaker',
    phase: 'slow',
    breaker: 'bank',
    query: 'max(cb)',
    opensWithin: '5s',
    closesWithin: '15s',
  };

  it('a breaker that peak load opened before the fault is INCONCLUSIVE, saying since when and during which phase — never a FAIL on a later blip', () => {
    // Open from 12 s (peak: the service was CPU-starved), half-open blip at 38 s, open again at 39 s.
    const state = series((t) => (t >= 12_000 && t < 38_000 ? 2 : t === 38_000 ? 1 : t >= 39_000 && t < 42_000 ? 2 : 0));
    const [opens] = judge(breaker, { series: seriesOf(breaker, { points: state }) });
    expect(opens).toMatchObject({
      status: 'inconclusive',
      reason:
        'the breaker was already open when the fault began (since +12.0 s, during peak): an opening for this fault cannot be told apart; give it time to close first',
    });
  });

  it('the same breaker, closed when the fault began: PASS when it opens in time, FAIL when it never does', () => {
    const [opens] = judge(breaker, {
      series: seriesOf(breaker, { points: series((t) => (t >= 23_000 && t < 42_000 ? 2 : 0)) }),
    });
    expect(opens).toMatchObject({ status: 'pass', observed: 3 });
    const [never] = judge(breaker, { series: seriesOf(breaker, { points: series(() => 0) }) });
    expect(never).toMatchObject({ status: 'fail', reason: 'the breaker never opened' });
  });

  it('an alert firing when the fault began is INCONCLUSIVE with since when', () => {
    const check = { kind: 'alert', alert: 'BankSlow', phase: 'slow', firesWithin: '10s' };
    const [fires] = judge(check, { alerts: { firing: firingDuring([15_000, 45_000]) } });
    expect(fires).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(
        /^BankSlow was already firing when the fault began \(since \+15\.0 s, during peak\)/,
      ),
    });
  });

  it('replicas already scaled up when the phase began: INCONCLUSIVE, not a 0 s PASS', () => {
    const check = { kind: 'autoscaling', phase: 'slow', atLeast: 3, within: '10s', query: 'max(replicas)' };
    const [up] = judge(check, { series: seriesOf(check, { points: series((t) => (t >= 8_000 ? 3 : 1)) }) });
    expect(up).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(
        /^already at 3 or more replicas when the phase began \(since \+8\.0 s, during peak\)/,
      ),
    });
    const [fresh] = judge(check, { series: seriesOf(check, { points: series((t) => (t >= 26_000 ? 3 : 1)) }) });
    expect(fresh).toMatchObject({ status: 'pass', observed: 6 });
  });
});

describe('a signal that flaps: resolved means it stays resolved', () => {
  const alert = { kind: 'alert', alert: 'BankSlow', phase: 'slow', firesWithin: '10s', resolvesWithin: '20s' };

  it('an alert that goes quiet at the fault\'s end and fires again for minutes FAILS "resolves", naming the flap', () => {
    const [, resolves] = judge(alert, { alerts: { firing: firingDuring([24_000, 40_000], [44_000, 130_000]) } });
    expect(resolves).toMatchObject({
      status: 'fail',
      reason: 'it went quiet and fired again at +4 s after the fault: it never stayed resolved',
    });
  });

  it('an alert that resolves and stays resolved PASSES with the time it went quiet; one that flaps and then settles in time PASSES at the settling', () => {
    const [, clean] = judge(alert, { alerts: { firing: firingDuring([24_000, 43_000]) } });
    expect(clean).toMatchObject({ status: 'pass', observed: 3 });
    const [, settled] = judge(alert, { alerts: { firing: firingDuring([24_000, 41_000], [45_000, 50_000]) } });
    expect(settled).toMatchObject({ status: 'pass', observed: 10 });
  });

  it('an alert that flaps past the deadline FAILS with when it resolved for good', () => {
    const tight = { ...alert, resolvesWithin: '10s' };
    const [, late] = judge(tight, { alerts: { firing: firingDuring([24_000, 41_000], [45_000, 55_000]) } });
    expect(late).toMatchObject({
      status: 'fail',
      observed: 15,
      reason: 'it went quiet and fired again at +5 s after the fault; resolved for good only after 15 s',
    });
    // Still flapping when the next fault begins (60 s): it never resolved for this one.
    const [, never] = judge(tight, { alerts: { firing: firingDuring([24_000, 41_000], [45_000, 70_000]) } });
    expect(never).toMatchObject({
      status: 'fail',
      observed: null,
      reason: 'it went quiet and fired again at +5 s after the fault: it never stayed resolved',
    });
  });

  it('a breaker that closes and reopens (a failing half-open probe) has not closed; stableFor says how long closed must last', () => {
    const breaker = {
      kind: 'breaker',
      phase: 'slow',
      breaker: 'bank',
      query: 'max(cb)',
      opensWithin: '5s',
      closesWithin: '15s',
    };
    const flapping = series((t) => ((t >= 23_000 && t < 41_000) || (t >= 46_000 && t < 57_000) ? 2 : 0));
    const [, closes] = judge(breaker, { series: seriesOf(breaker, { points: flapping }) });
    expect(closes).toMatchObject({
      status: 'fail',
      observed: 17,
      reason: 'it closed and opened again at +6 s after the fault; closed for good only after 17 s',
    });
    // Closed from 41 s; a reopening at 57–58 s (after the 55 s deadline, before the next fault at 60 s).
    const brief = series((t) => ((t >= 23_000 && t < 41_000) || (t >= 57_000 && t < 59_000) ? 2 : 0));
    const [, within] = judge(breaker, { series: seriesOf(breaker, { points: brief }) });
    expect(within).toMatchObject({ status: 'pass', observed: 1 });
    // Asked to stay closed for 18 s, the reopening breaks the first close: it closes for good at +19 s, past the 15 s.
    const stable = { ...breaker, stableFor: '18s' };
    const [, strict] = judge(stable, { series: seriesOf(stable, { points: brief }) });
    expect(strict).toMatchObject({ status: 'fail', observed: 19 });
  });

  it('with the next fault back to back, closing cannot be seen: INCONCLUSIVE saying why, never a flap of this one', () => {
    const breaker = {
      kind: 'breaker',
      phase: 'down-1',
      breaker: 'bank',
      query: 'max(cb)',
      opensWithin: '5s',
      closesWithin: '15s',
    };
    const state = series((t) => ((t >= 62_000 && t < 81_000) || (t >= 83_000 && t < 101_000) ? 2 : 0));
    const [opens, closes] = judge(breaker, { series: seriesOf(breaker, { points: state }) });
    expect(opens).toMatchObject({ status: 'pass', observed: 2 });
    expect(closes).toMatchObject({
      status: 'inconclusive',
      reason:
        'the next fault on the same dependency (phase down-2) began as this one ended: the breaker closing cannot be seen in between (put a fault-free phase between them)',
    });
  });
});

describe('failover through two faults back to back on one dependency', () => {
  const check = (phase: string) => ({
    kind: 'failover',
    phase,
    replicaQuery: 'sum(rate(bank_calls_total{target="backup"}[10s]))',
    totalQuery: 'sum(rate(bank_calls_total[10s]))',
    switchWithin: '3s',
    minShare: 0.95,
    returnsWithin: '12s',
  });
  // A rate window ramps up after the switch (10 s) and down after the return: the backup carries all traffic from 61 s to 100 s.
  const ramp = (t: number, from: number) => Math.min(1, Math.max(0, (t - from) / 10_000));
  const backup = series((t) => (t <= 60_000 ? 0 : t <= 100_000 ? 100 * ramp(t, 60_000) : 100 * (1 - ramp(t, 100_000))));
  const total = series(() => 100);
  const signals = (replica: TimePoint[]) => ({
    series: seriesOf(check('down-1'), { points: replica }, { points: total }),
  });

  it('a healthy backup PASSES both phases: the second as a continuation, its share ~100 %, the return timed after the last fault', () => {
    const first = evaluateResilienceCheck(parse(check('down-1')), context(signals(backup)));
    const second = evaluateResilienceCheck(parse(check('down-2')), context(signals(backup)));
    for (const result of [...first, ...second])
      expect(result.status, `${result.phase} ${result.name}: ${result.reason}`).toBe('pass');
    expect(second[0]!.reason).toBe(
      'already serving when the fault began, since the previous phase down-1 faulted the same dependency back to back; it kept serving through this one',
    );
    const share = second.find((c) => c.name.startsWith('failover share'))!;
    expect(share.observed).toBe(100);
    expect(first.find((c) => c.name.startsWith('failover share'))!.observed).toBe(100);
    expect(first.find((c) => c.name.startsWith('failover back'))!.expected).toBe(
      'replica idle within 12s after the last of the back-to-back faults (+20 s after this one)',
    );
  });

  it('with the backup removed, both phases FAIL', () => {
    const idle = series(() => 0);
    for (const phase of ['down-1', 'down-2']) {
      const [served] = evaluateResilienceCheck(parse(check(phase)), context(signals(idle)));
      expect(served).toMatchObject({
        status: 'fail',
        reason: 'the replica served no traffic while the primary was down',
      });
    }
  });

  it('a backup that gives up during the second fault FAILS it, saying when', () => {
    const quits = series((t) => (t > 60_000 && t < 88_000 ? 100 : 0));
    const [served] = evaluateResilienceCheck(parse(check('down-2')), context(signals(quits)));
    expect(served).toMatchObject({
      status: 'fail',
      reason:
        'the replica stopped serving at +8 s into the fault while the primary was still down (it had taken over in down-1)',
    });
  });

  it('a backup already serving before a fault that follows no fault is INCONCLUSIVE (carried over), not a switch', () => {
    const always = series(() => 100);
    const [served] = evaluateResilienceCheck(parse(check('down-1')), context(signals(always)));
    expect(served).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(
        /^the replica was already serving when the fault began \(since \+0\.0 s, during peak\)/,
      ),
    });
  });

  it('the share is the median of the later half of the steps: a full takeover reads 100 %, a half one 50 %', () => {
    const ramping = series((t) => 100 * ramp(t, 60_000));
    expect(replicaShare(ramping, total, 61_000, 80_000)).toBe(1);
    expect(
      replicaShare(
        series(() => 50),
        total,
        61_000,
        80_000,
      ),
    ).toBe(0.5);
  });
});
