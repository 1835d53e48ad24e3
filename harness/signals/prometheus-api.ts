import { wallClockOffsetMs } from '../clock/time-base.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';

/**
 * The calls ordeal makes to Prometheus' HTTP API (instant query, range
 * query), through the guarded client (allowlist, no redirects, bounded body,
 * credentials from the URL). Hand-written: prometheus-query (axios) was tried
 * and, under vitest, rejected with values that were not Errors and carried no
 * message; the API's JSON is small and documented.
 */
export interface PrometheusEndpoint {
  http: GuardedHttp;
  /** Base URL, possibly with credentials (http://user:pass@127.0.0.1:9090). */
  url: string;
}

/** Range queries over hours at 1 s steps stay well below this. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
  errorType?: string;
}

async function get<T>(
  endpoint: PrometheusEndpoint,
  path: string,
  params: Record<string, string>,
  timeoutMs: number,
): Promise<T> {
  const url = new URL(`api/v1/${path}`, endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await endpoint.http.request(url, { timeoutMs, maxBodyBytes: MAX_RESPONSE_BYTES });
  let body: ApiResponse<T>;
  try {
    body = JSON.parse(response.text()) as ApiResponse<T>;
  } catch {
    body = { status: 'error', error: `HTTP ${response.status} from ${redactUrl(endpoint.url)}` };
  }
  if (body.status !== 'success' || body.data === undefined)
    throw new Error(`${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${response.status}`}`);
  return body.data;
}

export async function instantQuery(
  endpoint: PrometheusEndpoint,
  query: string,
  timeoutMs = 3_000,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = await get<{ resultType: string; result: unknown }>(endpoint, 'query', { query }, timeoutMs);
  if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
  return data.result as { metric: Record<string, string>; value: [number, string] }[];
}

/** The wall clock's offset from the time base now, in whole milliseconds: one per set of queries read together. */
export function prometheusOffsetMs(): number {
  return Math.round(wallClockOffsetMs());
}

/**
 * A range query between two instants of ordeal's time base. Prometheus stamps
 * its samples by its wall clock: the window is shifted onto it, and the
 * samples back, by the offset between the two measured now, when they are
 * read (a step of the wall clock during the run is caught apart, by the run's
 * clock watch).
 */
export async function rangeQuery(
  endpoint: PrometheusEndpoint,
  query: string,
  startMs: number,
  endMs: number,
  stepSec: number,
  timeoutMs = 10_000,
  /** The wall clock's offset, measured once for a set of queries read together (their steps then line up). */
  offsetMs = prometheusOffsetMs(),
): Promise<RangeSeries[]> {
  const data = await get<{ result: RangeSeries[] }>(
    endpoint,
    'query_range',
    {
      query,
      start: String((startMs + offsetMs) / 1_000),
      end: String((endMs + offsetMs) / 1_000),
      step: String(stepSec),
    },
    timeoutMs,
  );
  if (offsetMs === 0) return data.result;
  return data.result.map((series) => ({
    ...series,
    values: series.values.map(([atSec, value]) => [atSec - offsetMs / 1_000, value] as [number, string]),
  }));
}

/** The metric names Prometheus holds samples of between two instants of the time base (the `__name__` label's values). */
export async function metricNames(
  endpoint: PrometheusEndpoint,
  startMs: number,
  endMs: number,
  timeoutMs = 10_000,
  offsetMs = prometheusOffsetMs(),
): Promise<string[]> {
  return get<string[]>(
    endpoint,
    'label/__name__/values',
    { start: String((startMs + offsetMs) / 1_000), end: String((endMs + offsetMs) / 1_000) },
    timeoutMs,
  );
}

/** Every metric name Prometheus holds (the `__name__` label's values over its whole retention). */
export async function allMetricNames(endpoint: PrometheusEndpoint, timeoutMs = 5_000): Promise<string[]> {
  return get<string[]>(endpoint, 'label/__name__/values', {}, timeoutMs);
}

/** The values a label takes on the series that `match` selects (e.g. `outcome` on `payments_bank_calls_total`). */
export async function labelValuesOf(
  endpoint: PrometheusEndpoint,
  label: string,
  match: string,
  timeoutMs = 5_000,
): Promise<string[]> {
  return get<string[]>(endpoint, `label/${encodeURIComponent(label)}/values`, { 'match[]': match }, timeoutMs);
}

/** The label sets of the series a selector matches over the last `lookbackMs` (now: Prometheus' own clock). */
export async function seriesMatching(
  endpoint: PrometheusEndpoint,
  selector: string,
  lookbackMs: number,
  timeoutMs = 5_000,
): Promise<Record<string, string>[]> {
  const nowSec = Date.now() / 1_000;
  return get<Record<string, string>[]>(
    endpoint,
    'series',
    { 'match[]': selector, start: String(nowSec - lookbackMs / 1_000), end: String(nowSec) },
    timeoutMs,
  );
}

export interface AlertingRule {
  group: string;
  name: string;
  query: string;
  labels: Record<string, string>;
}

/** The alerting rules Prometheus has loaded (`/api/v1/rules?type=alert`). */
export async function alertingRules(endpoint: PrometheusEndpoint, timeoutMs = 5_000): Promise<AlertingRule[]> {
  const data = await get<{
    groups: { name: string; rules: { name: string; query: string; labels?: Record<string, string> }[] }[];
  }>(endpoint, 'rules', { type: 'alert' }, timeoutMs);
  return data.groups.flatMap((group) =>
    group.rules.map((rule) => ({ group: group.name, name: rule.name, query: rule.query, labels: rule.labels ?? {} })),
  );
}

/** When each active scrape target was last scraped (epoch ms; 0: never yet). */
export async function scrapeTargets(
  endpoint: PrometheusEndpoint,
  timeoutMs = 5_000,
): Promise<{ job: string; lastScrapeMs: number; health: string }[]> {
  const data = await get<{ activeTargets: { labels?: Record<string, string>; lastScrape: string; health: string }[] }>(
    endpoint,
    'targets',
    { state: 'active' },
    timeoutMs,
  );
  return data.activeTargets.map((t) => {
    const at = Date.parse(t.lastScrape);
    return { job: t.labels?.job ?? '', lastScrapeMs: Number.isFinite(at) && at > 0 ? at : 0, health: t.health };
  });
}
