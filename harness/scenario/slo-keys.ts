/** Which aggregations each metric understands (k6 names, so k6 users feel at home). */
export const METRIC_AGGREGATIONS = {
  http_req_duration: ['percentile', 'avg', 'min', 'max', 'med'],
  http_req_failed: ['rate'],
  http_reqs: ['count', 'rate', 'ratio'],
} as const;
export type SloMetric = keyof typeof METRIC_AGGREGATIONS;

/** k6's tag syntax for one step or flow: "http_req_duration{name:login}". */
const STEP_KEY = /^(http_req_duration|http_req_failed|http_reqs)\{name:([A-Za-z0-9][A-Za-z0-9._ /-]*)\}$/;

export interface SloEntry {
  key: string;
  metric: SloMetric;
  /** A step's, flow's or named request's name: the thresholds judge its requests only. */
  step?: string;
  sources: string[];
}

/** The threshold lists of one SLO entry, the whole-phase ones and the per-step ones; `unknown`: keys that are neither. */
export function sloEntries(slo: Record<string, unknown>): { entries: SloEntry[]; unknown: string[] } {
  const entries: SloEntry[] = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(slo)) {
    if (key === 'phases' || key === 'after' || value === undefined) continue;
    const sources = Array.isArray(value) ? value.map(String) : [];
    if (key in METRIC_AGGREGATIONS) entries.push({ key, metric: key as SloMetric, sources });
    else {
      const match = STEP_KEY.exec(key);
      if (match) entries.push({ key, metric: match[1] as SloMetric, step: match[2]!, sources });
      else unknown.push(key);
    }
  }
  return { entries, unknown };
}
