import { redactUrl } from '../net/redact-url.ts';
import {
  instantQuery,
  metricNames,
  prometheusOffsetMs,
  rangeQuery,
  type PrometheusEndpoint,
  type RangeSeries,
} from './prometheus-api.ts';
import { metricNamesIn } from './promql-metric-names.ts';
import type { FiringAlert, RecordedSignals, SeriesResult, TimePoint } from '../checks/recorded-signals.ts';

const STEP_SEC = 1;

function pointsOf(series: RangeSeries): TimePoint[] {
  return series.values
    .map(([atSec, value]) => ({ atMs: Math.round(atSec * 1_000), value: Number(value) }))
    .filter((p) => Number.isFinite(p.value));
}

/**
 * A query that matched no series: when every metric it names exists, the
 * series is absent (a counter never incremented for that label, which
 * Prometheus cannot tell from 0): 0 at every step. When a metric is not
 * there at all (a typo, or not scraped), there is nothing to judge.
 */
function absentOrMissing(query: string, known: ReadonlySet<string>, startMs: number, endMs: number): SeriesResult {
  const names = metricNamesIn(query);
  const missing = names.filter((name) => !known.has(name));
  if (names.length === 0) return { points: [] };
  if (missing.length > 0) return { points: [], missingMetrics: missing };
  const points: TimePoint[] = [];
  for (let atMs = Math.ceil(startMs / 1_000) * 1_000; atMs <= endMs; atMs += STEP_SEC * 1_000)
    points.push({ atMs, value: 0 });
  return { points, absentSeries: true };
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
  let known: Promise<Set<string>> | undefined;
  // One offset for every query of this read: their steps land on the same instants, so series can be joined by time.
  const offsetMs = prometheusOffsetMs();
  for (const query of new Set(queries)) {
    try {
      // Several series (e.g. one per label set) are combined by taking the largest value at each instant.
      const byTime = new Map<number, number>();
      for (const s of await rangeQuery(endpoint, query, startMs, endMs, STEP_SEC, undefined, offsetMs)) {
        for (const p of pointsOf(s)) byTime.set(p.atMs, Math.max(byTime.get(p.atMs) ?? -Infinity, p.value));
      }
      if (byTime.size === 0) {
        known ??= metricNames(endpoint, startMs, endMs, undefined, offsetMs).then((names) => new Set(names));
        series.set(query, absentOrMissing(query, await known, startMs, endMs));
        continue;
      }
      const points = [...byTime].sort((a, b) => a[0] - b[0]).map(([atMs, value]) => ({ atMs, value }));
      // A series that first appears mid-run (a counter first incremented then) was absent, i.e. 0, before.
      if (points[0]!.atMs > startMs + 1_500 * STEP_SEC) {
        known ??= metricNames(endpoint, startMs, endMs, undefined, offsetMs).then((names) => new Set(names));
        const before = absentOrMissing(query, await known, startMs, points[0]!.atMs - 1);
        if ('points' in before && before.absentSeries) points.unshift(...before.points);
      }
      series.set(query, { points });
    } catch (error) {
      series.set(query, {
        error: `Prometheus at ${redactUrl(endpoint.url)} did not answer "${query}": ${(error as Error).message}`,
      });
    }
  }
  let alerts: RecordedSignals['alerts'];
  try {
    const firing = new Map<string, FiringAlert>();
    for (const s of await rangeQuery(
      endpoint,
      'ALERTS{alertstate="firing"}',
      startMs,
      endMs,
      STEP_SEC,
      undefined,
      offsetMs,
    )) {
      const name = s.metric.alertname ?? 'unknown';
      const entry = firing.get(name) ?? { severity: s.metric.severity ?? 'none', points: [], series: [] };
      entry.points.push(...pointsOf(s));
      entry.series!.push({ labels: s.metric, points: pointsOf(s) });
      firing.set(name, entry);
    }
    alerts = { firing };
  } catch (error) {
    alerts = {
      error: `Prometheus at ${redactUrl(endpoint.url)} did not answer the alerts query: ${(error as Error).message}`,
    };
  }
  return { series, alerts };
}
