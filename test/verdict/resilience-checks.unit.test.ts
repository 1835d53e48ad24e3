import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../harness/verdict/run-records.ts';
import {
  BUNDLED_READS as DEFAULT_QUERIES,
  withBundledReads,
} from '../../harness/providers/bundled-stack/bundled-check-reads.ts';
import { checkSchema } from '../../harness/checks/check-registry.ts';
import type { RecordedSignals, TimePoint } from '../../harness/checks/recorded-signals.ts';
import { directionChanges } from '../../harness/checks/autoscaling-check.ts';
import { evaluateResilienceCheck } from '../../harness/checks/check-registry.ts';
import type { ResilienceContext } from '../../harness/checks/resilience-context.ts';
import { resilienceTimings } from '../../harness/verdict/resilience-timings.ts';

// One run: baseline 0–10 s, slow 10–30 s (fault applied at 10 s, removed at 30 s), recovery 30–50 s.
const windows = new Map([
  ['baseline', { startMs: 0, endMs: 10_000 }],
  ['slow', { startMs: 10_000, endMs: 30_000 }],
  ['recovery', { startMs: 30_000, endMs: 50_000 }],
]);
const fault: FaultRecord = {
  id: 't1',
  phase: 'slow',
  fault: { kind: 'latency', proxy: 'market-data', latencyMs: 800, jitterMs: 0, stream: 'downstream', toxicity: 1 },
  appliedAtMs: 10_000,
  removedAtMs: 30_000,
};
const series = (f: (t: number) => number): TimePoint[] =>
  Array.from({ length: 51 }, (_, s) => ({ atMs: s * 1_000, value: f(s * 1_000) }));

function context(
  signals: Partial<RecordedSignals>,
  load: ResilienceContext['load'] = [],
): ResilienceContext<FaultRecord> {
  return {
    windows,
    faults: [fault],
    load,
    signals: { series: new Map(), alerts: { firing: new Map() }, health: new Map(), ...signals },
    observedUntilMs: 50_000,
  };
}
// The bundled stack's reads, as its provider fills them in.
const judge = (check: unknown, ctx: ResilienceContext) =>
  evaluateResilienceCheck(withBundledReads(checkSchema.parse(check)), ctx);
const breakerQuery = DEFAULT_QUERIES.breakerState('market-data');

describe('breaker check', () => {
  const check = { kind: 'breaker', phase: 'slow', opensWithin: '5s', closesWithin: '10s' };

  it('passes when the breaker opens 3 s into the fault and closes 4 s after it', () => {
    const state = series((t) => (t >= 13_000 && t < 34_000 ? 2 : 0));
    const [opens, closes] = judge(check, context({ series: new Map([[breakerQuery, { points: state }]]) }));
    expect(opens).toMatchObject({ status: 'pass', observed: 3 });
    expect(closes).toMatchObject({ status: 'pass', observed: 4 });
  });

  it('FAILS when the breaker never opens (breaker disabled)', () => {
    const [opens] = judge(check, context({ series: new Map([[breakerQuery, { points: series(() => 0) }]]) }));
    expect(opens).toMatchObject({ status: 'fail', reason: 'the breaker never opened' });
  });

  it('is inconclusive when the metric is missing or Prometheus failed', () => {
    expect(judge(check, context({ series: new Map([[breakerQuery, { points: [] }]]) }))[0]).toMatchObject({
      status: 'inconclusive',
    });
    expect(
      judge(check, context({ series: new Map([[breakerQuery, { error: 'connection refused' }]]) }))[0],
    ).toMatchObject({ status: 'inconclusive', reason: 'connection refused' });
  });
});

describe('alert checks', () => {
  const firing = (name: string, severity: string, from: number, to: number) =>
    [name, { severity, points: series((t) => t).filter((p) => p.atMs >= from && p.atMs < to) }] as const;

  it('passes when the alert fires 6 s into the fault and resolves 5 s after; FAILS when the rule is missing', () => {
    const check = {
      kind: 'alert',
      alert: 'CircuitBreakerOpen',
      phase: 'slow',
      firesWithin: '10s',
      resolvesWithin: '15s',
    };
    const [fires, resolves] = judge(
      check,
      context({ alerts: { firing: new Map([firing('CircuitBreakerOpen', 'warning', 16_000, 35_000)]) } }),
    );
    expect(fires).toMatchObject({ status: 'pass', observed: 6 });
    expect(resolves).toMatchObject({ status: 'pass', observed: 5 });
    const [missing] = judge(check, context({ alerts: { firing: new Map() } }));
    expect(missing).toMatchObject({ status: 'fail', reason: 'CircuitBreakerOpen never fired (is the rule loaded?)' });
  });

  it('FAILS no-alert when a critical alert fires during baseline, and is inconclusive without Prometheus', () => {
    const check = { kind: 'no-alert', phases: ['baseline'], severity: 'critical' };
    expect(
      judge(check, context({ alerts: { firing: new Map([firing('Noisy', 'critical', 0, 50_000)]) } }))[0],
    ).toMatchObject({ status: 'fail', reason: 'firing: Noisy' });
    expect(
      judge(check, context({ alerts: { firing: new Map([firing('Slow', 'warning', 0, 50_000)]) } }))[0],
    ).toMatchObject({ status: 'pass' });
    expect(judge(check, context({ alerts: { error: 'unreachable' } }))[0]).toMatchObject({ status: 'inconclusive' });
  });
});

describe('autoscaling check', () => {
  const check = {
    kind: 'autoscaling',
    phase: 'slow',
    atLeast: 2,
    within: '10s',
    fallsTo: 1,
    fallsWithin: '15s',
    maxDirectionChanges: 2,
  };
  const q = DEFAULT_QUERIES.replicas;

  it('passes when replicas reach 2 after 4 s and fall back 6 s after the phase', () => {
    const replicas = series((t) => (t >= 14_000 && t < 36_000 ? 2 : 1));
    const results = judge(check, context({ series: new Map([[q, { points: replicas }]]) }));
    expect(results.map((r) => [r.status, r.observed])).toEqual([
      ['pass', 4],
      ['pass', 6],
      ['pass', 1],
    ]);
  });

  it('FAILS when the autoscaler is off (replicas stay at 1), and counts flapping', () => {
    expect(judge(check, context({ series: new Map([[q, { points: series(() => 1) }]]) }))[0]).toMatchObject({
      status: 'fail',
      reason: 'at most 1 replicas within 10s',
    });
    const flapping = series((t) => (Math.floor(t / 2_000) % 2 === 0 ? 1 : 2));
    expect(directionChanges(flapping)).toBeGreaterThan(20);
    expect(judge(check, context({ series: new Map([[q, { points: flapping }]]) }))[2]).toMatchObject({
      status: 'fail',
    });
  });
});

describe('failover, resources and health checks', () => {
  const load = Array.from({ length: 50 }, (_, s) => ({
    atMs: s * 1_000,
    phase: s < 10 ? 'baseline' : s < 30 ? 'slow' : 'recovery',
    requests: 100,
    errors: s === 10 || s === 11 ? 3 : 0,
    p95Ms: s >= 10 && s < 32 ? 900 : 20,
  }));

  it('counts the failed requests and the error window; FAILS when the replica served nothing', () => {
    const check = { kind: 'failover', phase: 'slow', maxFailedRequests: 10, maxErrorWindow: '3s' };
    const served = judge(
      check,
      context(
        { series: new Map([[DEFAULT_QUERIES.replicaTraffic, { points: series((t) => (t > 10_000 ? 50 : 0)) }]]) },
        load,
      ),
    );
    expect(served.map((r) => [r.status, r.observed])).toEqual([
      ['pass', 6],
      ['pass', 2],
      ['pass', 50],
    ]);
    const idle = judge(
      check,
      context({ series: new Map([[DEFAULT_QUERIES.replicaTraffic, { points: series(() => 0) }]]) }, load),
    );
    expect(idle[2]).toMatchObject({ status: 'fail' });
  });

  it('judges average CPU and memory per phase', () => {
    const check = { kind: 'resources', phases: ['slow'] };
    const [cpu, memory] = judge(
      check,
      context({
        series: new Map([
          [DEFAULT_QUERIES.cpuPercent, { points: series(() => 85) }],
          [DEFAULT_QUERIES.memoryPercent, { points: series(() => 30) }],
        ]),
      }),
    );
    expect(cpu).toMatchObject({ status: 'fail', observed: 85 });
    expect(memory).toMatchObject({ status: 'pass', observed: 30 });
  });

  it('FAILS readiness outside the allowed phases, inconclusive without samples', () => {
    const samples = series((t) => t).map((p) => ({
      atMs: p.atMs,
      ok: p.atMs < 12_000 || p.atMs > 20_000,
      status: p.atMs < 12_000 || p.atMs > 20_000 ? 200 : 503,
      path: '/actuator/health/readiness',
      latencyMs: 4,
    }));
    const results = judge(
      { kind: 'health', probe: 'ready', allowedPhases: ['slow'] },
      context({ health: new Map([['ready', samples]]) }),
    );
    expect(results.map((r) => [r.phase, r.status])).toEqual([
      ['baseline', 'pass'],
      ['recovery', 'pass'],
    ]);
    // Named for the path really probed, with the first failed sample.
    expect(
      judge(
        { kind: 'health', probe: 'ready', phases: ['slow'] },
        context({ health: new Map([['ready', samples]]) }),
      )[0],
    ).toMatchObject({
      status: 'fail',
      expected: '/actuator/health/readiness OK in every sample',
      reason: '9 of 21 samples of /actuator/health/readiness failed (first: HTTP 503 after 4 ms)',
    });
    expect(judge({ kind: 'health', probe: 'live' }, context({}))[0]).toMatchObject({ status: 'inconclusive' });
  });

  it('reports the time to detect and to recover', () => {
    const state = series((t) => (t >= 13_000 && t < 34_000 ? 2 : 0));
    const [timing] = resilienceTimings(
      context({ series: new Map([[breakerQuery, { points: state }]]) }, load),
      [withBundledReads(checkSchema.parse({ kind: 'breaker', phase: 'slow', opensWithin: '5s' }))],
      500,
    );
    expect(timing).toMatchObject({ phase: 'slow', timeToDetectMs: 3_000, timeToRecoverMs: 4_000, failoverGapMs: null });
  });
});
