import type { PhaseReport } from '../report/run-report.ts';

/** A percentile report.json keeps for a phase (p50, p90, p95, p99; max as p100), or null when it keeps no such figure. */
export function percentileMsOfSummary(latency: PhaseReport['latencyMs'], percentile: number): number | null {
  if (!latency) return null;
  const kept: Record<number, number> = {
    50: latency.p50,
    90: latency.p90,
    95: latency.p95,
    99: latency.p99,
    100: latency.max,
  };
  return kept[percentile] ?? null;
}
