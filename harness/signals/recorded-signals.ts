export interface TimePoint {
  atMs: number;
  value: number;
}

/** A range query's answer: points, or why there are none to trust. */
export type SeriesResult = { points: TimePoint[] } | { error: string };

export interface HealthSample {
  atMs: number;
  ok: boolean;
  status: number | null;
}

/** The service's own signals over the run, aligned with the phases by time. */
export interface RecordedSignals {
  /** Range-query results, keyed by PromQL. */
  series: Map<string, SeriesResult>;
  /** Firing alerts (Prometheus' ALERTS series): alert name → severity and the seconds it was firing. */
  alerts: { firing: Map<string, { severity: string; points: TimePoint[] }> } | { error: string };
  health: Map<string, HealthSample[]>;
}

export function emptySignals(): RecordedSignals {
  return { series: new Map(), alerts: { error: 'no Prometheus was used in this run' }, health: new Map() };
}
