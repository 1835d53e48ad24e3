import { redactUrl } from '../net/redact-url.ts';
import { instantQuery, rangeQuery, type PrometheusEndpoint, type RangeSeries } from './prometheus-api.ts';
import type { RecordedSignals, SeriesResult, TimePoint } from './recorded-signals.ts';

const STEP_SEC = 1;

function pointsOf(series: RangeSeries): TimePoint[] {
  return series.values.map(([atSec, value]) => ({ atMs: Math.round(atSec * 1_000), value: Number(value) })).filter((p) => Number.isFinite(p.value));
}

/** Checks that Prometheus answers a query. */
export async function assertPrometheusAnswers(endpoint: PrometheusEndpoint): Promise<void> {
  await instantQuery(endpoint, '1');
}

/** True once every scrape target has been scraped successfully. */
export async function allTargetsUp(endpoint: PrometheusEndpoint): Promise<boolean> {
  const result = await instantQuery(endpoint, 'min(up)').catch(() => []);
  return Number(result[0]?.value[1]) === 1;
}

/**
 * Range queries over the run (1 s steps). Each query's result is kept apart,
 * so one failing query makes only the checks that need it inconclusive.
 */
export async function collectPrometheusSignals(
  endpoint: PrometheusEndpoint,
  queries: readonly string[],
  startMs: number,
  endMs: number,
): Promise<Pick<RecordedSignals, 'series' | 'alerts'>> {
  const series = new Map<string, SeriesResult>();
  for (const query of new Set(queries)) {
    try {
      // Several series (e.g. one per label set) are combined by taking the largest value at each instant.
      const byTime = new Map<number, number>();
      for (const s of await rangeQuery(endpoint, query, startMs, endMs, STEP_SEC)) {
        for (const p of pointsOf(s)) byTime.set(p.atMs, Math.max(byTime.get(p.atMs) ?? -Infinity, p.value));
      }
      series.set(query, { points: [...byTime].sort((a, b) => a[0] - b[0]).map(([atMs, value]) => ({ atMs, value })) });
    } catch (error) {
      series.set(query, { error: `Prometheus at ${redactUrl(endpoint.url)} did not answer "${query}": ${(error as Error).message}` });
    }
  }
  let alerts: RecordedSignals['alerts'];
  try {
    const firing = new Map<string, { severity: string; points: TimePoint[] }>();
    for (const s of await rangeQuery(endpoint, 'ALERTS{alertstate="firing"}', startMs, endMs, STEP_SEC)) {
      const name = s.metric.alertname ?? 'unknown';
      const entry = firing.get(name) ?? { severity: s.metric.severity ?? 'none', points: [] };
      entry.points.push(...pointsOf(s));
      firing.set(name, entry);
    }
    alerts = { firing };
  } catch (error) {
    alerts = { error: `Prometheus at ${redactUrl(endpoint.url)} did not answer the alerts query: ${(error as Error).message}` };
  }
  return { series, alerts };
}
