export interface TimePoint {
  atMs: number;
  value: number;
}

/**
 * A range query's answer: points, or why there are none to trust. A query
 * whose metrics exist but that matched no series (a counter never
 * incremented for that label) is recorded as 0 at every step, with
 * `absentSeries`; one naming a metric Prometheus (or /metrics) does not have
 * at all keeps no points and names it in `missingMetrics`.
 */
export type SeriesResult = { points: TimePoint[]; absentSeries?: true; missingMetrics?: string[] } | { error: string };

export interface HealthSample {
  atMs: number;
  ok: boolean;
  /** The HTTP status, or null when no answer came (refused, timed out, too large). */
  status: number | null;
  /** The path probed, as the scenario names it. */
  path: string;
  latencyMs: number;
  /** Why a sample with a good status failed (the body lacked the expected text). */
  note?: string;
}

/** One alert's firing seconds: all its series together, and each series with its labels (for label matchers). */
export interface FiringAlert {
  severity: string;
  points: TimePoint[];
  series?: { labels: Record<string, string>; points: TimePoint[] }[];
}

/** The service's own signals over the run, aligned with the phases by time. */
export interface RecordedSignals {
  /** Range-query results, keyed by PromQL. */
  series: Map<string, SeriesResult>;
  /** Firing alerts (Prometheus' ALERTS series): alert name → severity and the seconds it was firing. */
  alerts: { firing: Map<string, FiringAlert> } | { error: string };
  health: Map<string, HealthSample[]>;
}

export function emptySignals(): RecordedSignals {
  return { series: new Map(), alerts: { error: 'no Prometheus was used in this run' }, health: new Map() };
}
