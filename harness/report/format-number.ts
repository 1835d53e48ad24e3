import { kindNamed } from '../checks/check-registry.ts';

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

export function formatSeconds(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1_000).toFixed(1)} s`;
}

export function formatObserved(value: number | null, metric: string, expected = '', unit?: string): string {
  if (value === null) return 'no data';
  if (unit) return unit === '%' ? `${value}%` : `${value} ${unit}`;
  // A check kind says the unit of what it observes (its own file: harness/checks/).
  const kindUnit = kindNamed(metric)?.observedUnit?.(expected);
  if (kindUnit === '%') return `${value}%`;
  if (kindUnit) return `${Math.round(value * 1_000) / 1_000} ${kindUnit}`;
  if (metric === 'http_req_duration') return `${formatMs(value)} ms`;
  if (metric === 'http_req_failed') return formatPercent(value);
  const rounded = Math.round(value * 1_000) / 1_000;
  if (metric === 'http_reqs')
    return /^ratio/.test(expected)
      ? `${rounded}× target`
      : /^rate/.test(expected)
        ? `${rounded} req/s`
        : `${rounded} requests`;
  return String(rounded);
}
