import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../harness/verdict/run-records.ts';
import { readsOf } from '../../harness/checks/check-registry.ts';
import { checkSchema } from '../../harness/checks/check-registry.ts';
import type { RecordedSignals, SeriesResult, TimePoint } from '../../harness/checks/recorded-signals.ts';
import { scrapeKey } from '../../harness/notation/scrape-key.ts';
import { evaluateResilienceCheck } from '../../harness/checks/check-registry.ts';
import type { ResilienceContext } from '../../harness/checks/resilience-context.ts';
import { resilienceTimings } from '../../harness/verdict/resilience-timings.ts';

// One run: baseline 0–10 s, slow 10–30 s (fault 10–30 s), recovery 30–50 s, then a second fault 50–70 s.
const windows = new Map([
  ['baseline', { startMs: 0, endMs: 10_000 }],
  ['slow', { startMs: 10_000, endMs: 30_000 }],
  ['recovery', { startMs: 30_000, endMs: 50_000 }],
  ['down', { startMs: 50_000, endMs: 70_000 }],
]);
const faultIn = (phase: string, fromMs: number, toMs: number): FaultRecord => ({
  id: phase,
  phase,
  fault: { kind: 'latency', proxy: 'bank', latencyMs: 800, jitterMs: 0, stream: 'downstream', toxicity: 1 },
  appliedAtMs: fromMs,
  removedAtMs: toMs,
});
const series = (f: (t: number) => number): TimePoint[] =>
  Array.from({ length: 71 }, (_, s) => ({ atMs: s * 1_000, value: f(s * 1_000) }));
function context(signals: Partial<RecordedSignals>): ResilienceContext<FaultRecord> {
  return {
    windows,
    faults: [faultIn('slow', 10_000, 30_000), faultIn('down', 50_000, 70_000)],
    load: [],
    signals: { series: new Map(), alerts: { firing: new Map() }, health: new Map(), ...signals },
    observedUntilMs: 70_000,
    startedAtMs: 0,
  };
}
const parse = (check: unknown) => checkSchema.parse(check);
const judge = (check: unknown, signals: Partial<RecordedSignals>) =>
  evaluateResilienceCheck(parse(check), context(signals));
const seriesOf = (check: unknown, ...values: SeriesResult[]) =>
  new Map(readsOf(parse(check)).map((read, i) => [read.key, values[i]!]));

describe("breaker state in the service's own encoding", () => {
  const openDuringSlow = (t: number) => t >= 12_000 && t < 33_000;

  it('Resilience4j one-hot gauges (preset): open is state="open" = 1, read as open, not half-open: PASS', () => {
    const check = {
      kind: 'breaker',
      phase: 'slow',
      breaker: 'bank',
      preset: 'resilience4j',
      opensWithin: '5s',
      closesWithin: '10s',
    };
    expect(readsOf(parse(check)).map((r) => r.text)).toEqual([
      'max(resilience4j_circuitbreaker_state{name="bank",state=~"open|forced_open"})',
      'max(resilience4j_circuitbreaker_state{name="bank",state=~"half_open"})',
    ]);
    const [opens, closes] = judge(check, {
      series: seriesOf(
        check,
        { points: series((t) => (openDuringSlow(t) ? 1 : 0)) },
        { points: series((t) => (t >= 33_000 && t < 35_000 ? 1 : 0)) },
      ),
    });
    expect(opens).toMatchObject({ status: 'pass', observed: 2, name: 'breaker bank opens within 5s' });
    expect(closes).toMatchObject({ status: 'pass', observed: 5 });
  });

  it('the same gauges of a breaker that never opens: FAIL', () => {
    const check = {
      kind: 'breaker',
      phase: 'slow',
      breaker: 'bank',
      preset: 'resilience4j',
      opensWithin: '5s',
      closesWithin: '10s',
    };
    const [opens, closes] = judge(check, {
      series: seriesOf(check, { points: series(() => 0) }, { points: series(() => 0) }),
    });
    expect(opens).toMatchObject({ status: 'fail', reason: 'the breaker never opened' });
    // Nothing to close is not "closed within 0 s".
    expect(closes).toMatchObject({ status: 'fail', reason: 'the breaker never opened, so it had nothing to close' });
  });

  it('one-hot series of its own (states), read from /metrics; a state never exported for the label counts as 0', () => {
    const check = {
      kind: 'breaker',
      phase: 'slow',
      source: 'scrape',
      breaker: 'bank',
      states: { open: 'breaker_open{name="bank"}' },
      opensWithin: '5s',
    };
    expect(readsOf(parse(check))[0]!.key).toBe(scrapeKey('breaker_open{name="bank"}'));
    expect(
      judge(check, { series: seriesOf(check, { points: series((t) => (openDuringSlow(t) ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'pass' });
  });

  it("a state number with the service's own values (1 open, 2 half-open, as some libraries count)", () => {
    const check = {
      kind: 'breaker',
      phase: 'slow',
      breaker: 'bank',
      query: 'max(cb_state{name="bank"})',
      values: { open: 1, halfOpen: 2 },
      opensWithin: '5s',
    };
    expect(
      judge(check, { series: seriesOf(check, { points: series((t) => (openDuringSlow(t) ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'pass', observed: 2 });
    // Read with the default encoding, the same series never reaches "open" (2): the encoding matters.
    const defaults = { ...check, values: undefined };
    expect(
      judge(defaults, { series: seriesOf(defaults, { points: series((t) => (openDuringSlow(t) ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'fail' });
  });

  it('a breaker still open from the previous fault is not credited to the next one', () => {
    const check = { kind: 'breaker', phase: 'down', breaker: 'bank', query: 'max(cb)', opensWithin: '5s' };
    // Opened in slow, stays open through recovery and down: never re-opened by the second fault.
    const stuck = judge(check, { series: seriesOf(check, { points: series((t) => (t >= 12_000 ? 2 : 0)) }) });
    expect(stuck[0]).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/already open when the fault began/),
    });
    // Open at the start, closes at 52 s, opens again at 54 s: a blip of the state carried over, not an onset — never a PASS, never a FAIL.
    const reopened = judge(check, {
      series: seriesOf(check, { points: series((t) => ((t >= 12_000 && t < 52_000) || t >= 54_000 ? 2 : 0)) }),
    });
    expect(reopened[0]).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/already open when the fault began \(since \+12\.0 s, during slow\)/),
    });
  });
});

describe('a series that is absent, and a metric that is missing', () => {
  it('failover: the backup counter never incremented (absent, recorded as 0) FAILS; a metric that does not exist is INCONCLUSIVE with the hint', () => {
    const check = {
      kind: 'failover',
      phase: 'down',
      replicaQuery: 'sum(rate(bank_calls_total{target="secondary"}[10s]))',
    };
    const [absent] = judge(check, { series: seriesOf(check, { points: series(() => 0), absentSeries: true }) });
    expect(absent).toMatchObject({
      status: 'fail',
      reason: 'the replica served no traffic while the primary was down',
    });
    const [missing] = judge(check, { series: seriesOf(check, { points: [], missingMetrics: ['bank_calls_totl'] }) });
    expect(missing).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/no metric named bank_calls_totl .*a typo, or a target that is not scraped/),
    });
  });
});

describe('reaction timings credit the right fault', () => {
  it('a breaker left open by the previous fault is not the next fault\'s "detect 0 s"', () => {
    const check = parse({ kind: 'breaker', phase: 'down', breaker: 'bank', query: 'max(cb)', opensWithin: '5s' });
    const ctx = context({ series: new Map([['max(cb)', { points: series((t) => (t >= 12_000 ? 2 : 0)) }]]) });
    const timings = resilienceTimings(ctx, [check], 500);
    expect(timings.find((t) => t.phase === 'slow')!.timeToDetectMs).toBe(2_000);
    expect(timings.find((t) => t.phase === 'down')!.timeToDetectMs).toBeNull();
  });
});

describe('alert checks see this fault, not the last one', () => {
  const firing = (from: number, to: number) =>
    new Map([
      ['BankDown', { severity: 'critical', points: series((t) => t).filter((p) => p.atMs >= from && p.atMs < to) }],
    ]);
  const check = { kind: 'alert', alert: 'BankDown', phase: 'down', firesWithin: '10s', resolvesWithin: '10s' };

  it('an alert still firing from the previous phase is INCONCLUSIVE for "fires within", not a 0 s PASS', () => {
    const [fires] = judge(check, { alerts: { firing: firing(15_000, 62_000) } });
    expect(fires).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/already firing when the fault began/),
    });
  });

  it('an alert firing when the fault began, then a new firing after a gap, is INCONCLUSIVE (a state carried over), never a pass', () => {
    const [fires] = judge(check, {
      alerts: {
        firing: new Map([
          [
            'BankDown',
            {
              severity: 'critical',
              points: [
                ...firing(15_000, 51_000).get('BankDown')!.points,
                ...firing(55_000, 71_000).get('BankDown')!.points,
              ],
            },
          ],
        ]),
      },
    });
    expect(fires).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(
        /^BankDown was already firing when the fault began \(since \+15\.0 s, during slow\)/,
      ),
    });
  });

  it('"resolves within" FAILS when the alert never fired: nothing resolved', () => {
    const [fires, resolves] = judge(check, { alerts: { firing: new Map() } });
    expect(fires).toMatchObject({ status: 'fail' });
    expect(resolves).toMatchObject({ status: 'fail', reason: 'BankDown never fired, so nothing resolved' });
  });
});

describe('a promql check', () => {
  const promql = (extra: object) => ({
    kind: 'promql',
    name: 'error ratio',
    query: 'sum(rate(errors_total[10s]))',
    phases: ['slow'],
    expect: '<0.05',
    ...extra,
  });

  it('holds at every step of the phase: PASS; one step over: FAIL, naming it', () => {
    const check = promql({});
    expect(judge(check, { series: seriesOf(check, { points: series(() => 0.01) }) })[0]).toMatchObject({
      status: 'pass',
      expected: '<0.05 throughout',
    });
    const [over] = judge(check, { series: seriesOf(check, { points: series((t) => (t === 20_000 ? 0.2 : 0.01)) }) });
    expect(over).toMatchObject({
      status: 'fail',
      observed: 0.2,
      reason: '1 of 21 steps did not meet <0.05 (first at +10 s into the phase: 0.2)',
    });
  });

  it('within T (and for D): the condition must start to hold in time and then last', () => {
    const check = promql({ expect: '>0', within: '5s', for: '3s' });
    expect(
      judge(check, { series: seriesOf(check, { points: series((t) => (t >= 13_000 ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'pass', observed: 3 });
    expect(
      judge(check, { series: seriesOf(check, { points: series((t) => (t >= 18_000 ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'fail' });
    // A blip that does not last is not enough.
    expect(
      judge(check, { series: seriesOf(check, { points: series((t) => (t === 12_000 ? 1 : 0)) }) })[0],
    ).toMatchObject({ status: 'fail' });
  });

  it('is INCONCLUSIVE, never PASS, without data', () => {
    const check = promql({});
    expect(judge(check, { series: seriesOf(check, { error: 'Prometheus did not answer' }) })[0]).toMatchObject({
      status: 'inconclusive',
    });
    expect(judge(check, { series: seriesOf(check, { points: [] }) })[0]).toMatchObject({ status: 'inconclusive' });
  });

  it('refuses an expectation that is not a comparison', () => {
    expect(checkSchema.safeParse(promql({ expect: 'below 5' })).success).toBe(false);
  });
});

describe('a grace at the phase start for alert and health checks (after)', () => {
  const carried = new Map([
    [
      'HighErrorRate',
      { severity: 'critical', points: series((t) => t).filter((p) => p.atMs >= 40_000 && p.atMs < 52_000) },
    ],
  ]);

  it('an alert still firing 2 s into the next phase FAILS no-alert, and PASSES judged from +3s', () => {
    const check = { kind: 'no-alert', phases: ['down'], severity: 'critical' };
    expect(judge(check, { alerts: { firing: carried } })[0]).toMatchObject({ status: 'fail' });
    expect(judge({ ...check, after: '3s' }, { alerts: { firing: carried } })[0]).toMatchObject({
      status: 'pass',
      expected: 'no critical alert firing from +3s',
    });
  });

  it('one that fires after the grace still FAILS', () => {
    const late = new Map([
      [
        'HighErrorRate',
        { severity: 'critical', points: series((t) => t).filter((p) => p.atMs >= 60_000 && p.atMs < 62_000) },
      ],
    ]);
    expect(
      judge({ kind: 'no-alert', phases: ['down'], severity: 'critical', after: '3s' }, { alerts: { firing: late } })[0],
    ).toMatchObject({ status: 'fail' });
  });
});

describe('alert checks with label matchers', () => {
  const server = (name: string, from: number, to: number) => ({
    labels: { alertname: 'ServerDown', server: name },
    points: series((t) => t)
      .filter((p) => p.atMs >= from && p.atMs < to)
      .map((p) => ({ atMs: p.atMs, value: 1 })),
  });
  // The backup server has been down since baseline; the primary goes down with the fault at 50 s.
  const backup = server('backup', 5_000, 71_000);
  const primary = server('primary', 53_000, 71_000);
  const firing = new Map([
    ['ServerDown', { severity: 'critical', points: [...backup.points, ...primary.points], series: [backup, primary] }],
  ]);

  it("judge only the series with those labels: the primary's firing 3 s into the fault PASSES", () => {
    expect(
      judge(
        { kind: 'alert', alert: 'ServerDown{server="primary"}', phase: 'down', firesWithin: '5s' },
        { alerts: { firing } },
      )[0],
    ).toMatchObject({ status: 'pass', observed: 3 });
  });

  it("by name alone, the backup's old firing makes it INCONCLUSIVE (already firing), not a PASS", () => {
    expect(
      judge({ kind: 'alert', alert: 'ServerDown', phase: 'down', firesWithin: '5s' }, { alerts: { firing } })[0],
    ).toMatchObject({ status: 'inconclusive' });
  });

  it('a matcher no series has: FAIL, never fired', () => {
    expect(
      judge(
        { kind: 'alert', alert: 'ServerDown{server="tertiary"}', phase: 'down', firesWithin: '5s' },
        { alerts: { firing } },
      )[0],
    ).toMatchObject({ status: 'fail' });
    expect(
      checkSchema.safeParse({ kind: 'alert', alert: 'ServerDown{server=primary}', phase: 'down', firesWithin: '5s' })
        .success,
    ).toBe(false);
  });
});

describe('failover checks that only this fault can pass', () => {
  const replicaQuery = 'sum(rate(bank_calls_total{target="secondary"}[5s]))';
  const totalQuery = 'sum(rate(bank_calls_total[5s]))';
  const check = {
    kind: 'failover',
    phase: 'down',
    replicaQuery,
    totalQuery,
    switchWithin: '3s',
    minShare: 0.9,
    returnsWithin: '5s',
    maxErrorWindow: '2s',
  };
  const signalsWith = (replica: (t: number) => number, total: (t: number) => number = () => 40) => ({
    series: new Map([
      [replicaQuery, { points: series(replica) }],
      [totalQuery, { points: series(total) }],
    ]),
  });

  it('a switch 2 s into the fault, carrying all traffic, back on the primary 3 s after: PASS, with units', () => {
    const results = judge(
      { ...check, phase: 'slow' },
      signalsWith((t) => (t >= 12_000 && t < 33_000 ? 40 : 0)),
    );
    expect(results.map((r) => [r.name, r.status, r.observed, r.unit])).toEqual([
      ['failover error window <= 2s', 'inconclusive', null, 's'],
      ['failover to the replica within 3s', 'pass', 2, 's'],
      ['failover share of traffic >= 0.9', 'pass', 100, '%'],
      ['failover back to the primary within 5s', 'pass', 3, 's'],
    ]);
    // Still serving 10 s after the fault: FAIL.
    expect(
      judge(
        { ...check, phase: 'slow' },
        signalsWith((t) => (t >= 12_000 && t < 40_000 ? 40 : 0)),
      ).at(-1),
    ).toMatchObject({ status: 'fail', observed: 10 });
  });

  it('leftover traffic from an earlier phase is not a switch: INCONCLUSIVE, never a PASS', () => {
    const [, served] = judge(
      check,
      signalsWith((t) => (t >= 15_000 ? 40 : 0)),
    );
    expect(served).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/already serving when the fault began/),
    });
  });

  it('too slow a switch, too small a share: FAIL', () => {
    const [, served, share] = judge(
      check,
      signalsWith((t) => (t >= 56_000 ? 10 : 0)),
    );
    expect(served).toMatchObject({ status: 'fail', observed: 6 });
    expect(share).toMatchObject({ status: 'fail', observed: 25 });
  });

  it('a backup that never served: every part FAILS (nothing switched, nothing returned)', () => {
    const results = judge(
      check,
      signalsWith(() => 0),
    );
    expect(results.slice(1).map((r) => [r.status, r.reason])).toEqual([
      ['fail', 'the replica served no traffic while the primary was down'],
      ['fail', 'no switch to the replica'],
      ['fail', 'the replica never took over, so nothing returned'],
    ]);
  });
});
