/**
 * The three calls ordeal makes to Prometheus' HTTP API (instant query, range
 * query), on fetch. Hand-written: prometheus-query (axios) was tried and, under
 * vitest, rejected with values that were not Errors and carried no message;
 * the API's JSON is small and documented.
 */
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

async function get<T>(baseUrl: string, path: string, params: Record<string, string>, timeoutMs: number): Promise<T> {
  const url = new URL(`/api/v1/${path}`, baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await response.json().catch(() => ({ status: 'error', error: `HTTP ${response.status}` }))) as ApiResponse<T>;
  if (body.status !== 'success' || body.data === undefined) throw new Error(`${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${response.status}`}`);
  return body.data;
}

export async function instantQuery(baseUrl: string, query: string, timeoutMs = 3_000): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = await get<{ resultType: string; result: unknown }>(baseUrl, 'query', { query }, timeoutMs);
  if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
  return data.result as { metric: Record<string, string>; value: [number, string] }[];
}

export async function rangeQuery(baseUrl: string, query: string, startMs: number, endMs: number, stepSec: number, timeoutMs = 10_000): Promise<RangeSeries[]> {
  const data = await get<{ result: RangeSeries[] }>(
    baseUrl,
    'query_range',
    { query, start: String(startMs / 1_000), end: String(endMs / 1_000), step: String(stepSec) },
    timeoutMs,
  );
  return data.result;
}
