import { errorBudgetOf } from '../../harness/report/error-budget.ts';
import { emptyErrorCounts } from '../../harness/metrics/error-kind.ts';
import type { RunReport } from '../../harness/report/run-report.ts';

export interface SyntheticPhase {
  name: string;
  /** One p95 (and p99 = 1.5 × p95) per second, in ms. */
  p95PerSecondMs: number[];
  errorsPerSecond?: number[];
  requestsPerSecond?: number;
}

/**
 * A report.json as a run would write it, from per-second figures: for pure
 * tests of comparison and rendering (the figures of a phase are the
 * per-second values' maxima, which is all those tests need).
 */
export function syntheticReport(
  runId: string,
  phases: SyntheticPhase[],
  overrides: Partial<RunReport> = {},
): RunReport {
  const startMs = Date.parse('2026-11-27T10:00:00Z');
  let second = 0;
  const timeseries: RunReport['timeseries'] = [];
  const phaseReports: RunReport['phases'] = phases.map((phase) => {
    const first = second;
    const requestsPerSecond = phase.requestsPerSecond ?? 100;
    let errors = 0;
    phase.p95PerSecondMs.forEach((p95, i) => {
      const e = phase.errorsPerSecond?.[i] ?? 0;
      errors += e;
      timeseries.push({
        second,
        phase: phase.name,
        targetRate: requestsPerSecond,
        requests: requestsPerSecond,
        dropped: 0,
        unsent: 0,
        errors: e,
        p50Ms: p95 / 2,
        p95Ms: p95,
        p99Ms: p95 * 1.5,
        sendLagP99Ms: 0.5,
      });
      second += 1;
    });
    const requests = requestsPerSecond * phase.p95PerSecondMs.length;
    const sorted = [...phase.p95PerSecondMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return {
      name: phase.name,
      start: new Date(startMs + first * 1_000).toISOString(),
      end: new Date(startMs + second * 1_000).toISOString(),
      requests,
      dropped: 0,
      unsent: 0,
      errors,
      errorRate: requests > 0 ? errors / requests : null,
      errorsByKind: { ...emptyErrorCounts(), http_5xx: errors },
      targetRate: requestsPerSecond,
      achievedRate: requestsPerSecond,
      latencyMs: { p50: median / 2, p90: median * 0.9, p95: median, p99: median * 1.5, max: median * 2 },
      sendLagMs: { p50: 0.2, p99: 0.5, max: 1 },
      faults: [],
    };
  });
  return {
    schemaVersion: 1,
    runId,
    verdict: 'pass',
    verdictReason: 'all 0 checks passed',
    exitCode: 0,
    warnings: [],
    scenario: { name: 'synthetic' },
    target: 'http://127.0.0.1:1',
    load: { driver: 'ordeal', model: 'open', connections: 10, timeScale: 1, warmupRequests: 0 },
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(startMs + second * 1_000).toISOString(),
    durationMs: second * 1_000,
    phases: phaseReports,
    checks: [],
    faults: [],
    guards: [],
    signals: { series: [], alerts: [] },
    errorsByKind: emptyErrorCounts(),
    resilience: [],
    timeseries,
    environment: {
      ordeal: '0.1.0',
      node: process.version,
      platform: 'linux x64',
      cpus: 2,
      hostname: 'test',
      maxRssBytes: 0,
    },
    ...overrides,
  };
}

/** Deterministic noise around `center` (±spread), so tests do not depend on Math.random. */
export function noisy(center: number, spread: number, count: number, seed = 1): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.round((center + ((state / 2 ** 31) * 2 - 1) * spread) * 10) / 10;
  });
}

const HOUR_S = 3_600;

/** Six hours as a run writes them: one timeseries entry a second, ordeal's own health every 5 s, an error budget. */
export function sixHourReport(): RunReport {
  const report = syntheticReport('six-hours', [
    { name: 'ramp', p95PerSecondMs: noisy(80, 20, HOUR_S) },
    { name: 'peak', p95PerSecondMs: noisy(120, 30, 2 * HOUR_S) },
    { name: 'dependency-slow', p95PerSecondMs: noisy(300, 50, HOUR_S), errorsPerSecond: noisy(2, 2, HOUR_S) },
    { name: 'soak', p95PerSecondMs: noisy(100, 20, 2 * HOUR_S) },
  ]);
  const startMs = Date.parse(report.startedAt);
  report.self = Array.from({ length: (6 * HOUR_S) / 5 }, (_, i) => ({
    at: new Date(startMs + i * 5_000).toISOString(),
    rssMb: 120 + (i % 50) / 10,
    heapMb: 40,
    loopLagP99Ms: 2,
    gcMs: 3,
  }));
  report.errorBudget = errorBudgetOf(report.timeseries, { objective: 0.999, periodMs: 24 * HOUR_S * 1_000 });
  return report;
}
