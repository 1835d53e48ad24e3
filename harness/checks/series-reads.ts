import { scrapeKey } from '../notation/scrape-key.ts';

/** One series a check reads: PromQL on Prometheus, or a metric selector scraped from /metrics. */
export interface SeriesRead {
  /** Where the recorded series is kept (signals.series). */
  key: string;
  source: 'prometheus' | 'scrape';
  /** The PromQL or the selector, as written. */
  text: string;
  /** What it is to the check: "state", "open", "half-open", "replica traffic", "replicas", "CPU %", "memory %", "value". */
  role: string;
  /** The check's field that says it (for messages: checks[2].replicaQuery). */
  field: string;
  /** Its series may not exist before the fault (a backup's counter, first incremented by a failover): a lookup warns, not refuses. */
  mayAppearLater: boolean;
  /** How the report's charts name it and its values ("replicas", "count"); none: not charted on its own. */
  chart?: { name: string; unit: string };
}

export const seriesRead = (
  source: SeriesRead['source'],
  text: string,
  role: string,
  field: string,
  options: { mayAppearLater?: boolean; chart?: SeriesRead['chart'] } = {},
): SeriesRead => ({
  key: source === 'scrape' ? scrapeKey(text) : text,
  source,
  text,
  role,
  field,
  mayAppearLater: options.mayAppearLater ?? false,
  ...(options.chart ? { chart: options.chart } : {}),
});

/** The one series of a check that reads a number by PromQL (`query`) or, with source "scrape", by selector (`metric`). */
export function queryOrMetric(
  check: { source: 'prometheus' | 'scrape'; query?: string | undefined; metric?: string | undefined },
  role: string,
  chart?: SeriesRead['chart'],
): SeriesRead[] {
  const text = check.source === 'scrape' ? check.metric : check.query;
  return text ? [seriesRead(check.source, text, role, check.source === 'scrape' ? 'metric' : 'query', { chart })] : [];
}
