export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100 ? `${Math.round(value)}` : value.toFixed(1);
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 2)}%`;
}

export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1);
}

export function formatObserved(value: number | null, metric: string): string {
  if (value === null) return 'no data';
  if (metric === 'http_req_duration') return `${formatMs(value)} ms`;
  if (metric === 'http_req_failed') return formatPercent(value);
  return String(Math.round(value * 1_000) / 1_000);
}
