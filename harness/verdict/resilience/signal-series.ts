import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { RecordedSignals, TimePoint } from '../../signals/recorded-signals.ts';
import { readsOf } from '../../scenario/check-reads.ts';
import { breakerLabel, breakerStateSeries } from './breaker-check.ts';

export interface LabelledSeries {
  /** "replicas", "breaker market-data", … */
  name: string;
  /** What the values mean: "count", "0 closed · 1 half-open · 2 open", "ratio". */
  unit: string;
  points: TimePoint[];
}

export interface FiringInterval {
  alert: string;
  severity: string;
  startMs: number;
  endMs: number;
}

/** The signals the checks read, named for people (the report's charts), in check order, each once. */
export function labelledSeries(checks: readonly ResilienceCheck[], signals: RecordedSignals): LabelledSeries[] {
  const out: LabelledSeries[] = [];
  const seen = new Set<string>();
  const add = (key: string, name: string, unit: string, points: TimePoint[] | undefined): void => {
    if (seen.has(key) || !points || points.length === 0) return;
    seen.add(key);
    out.push({ name, unit, points });
  };
  const recorded = (key: string): TimePoint[] | undefined => {
    const result = signals.series.get(key);
    return result && 'points' in result ? result.points : undefined;
  };
  for (const check of checks) {
    if (check.kind === 'breaker') {
      // The state as ordeal reads it (0/1/2), whatever the service's own encoding.
      const states = breakerStateSeries(check, { signals });
      add(
        `breaker:${readsOf(check)
          .map((r) => r.key)
          .join('|')}`,
        breakerLabel(check),
        '0 closed · 1 half-open · 2 open',
        typeof states === 'string' ? undefined : states,
      );
      continue;
    }
    for (const read of readsOf(check)) {
      const name =
        check.kind === 'promql'
          ? check.name
          : check.kind === 'failover'
            ? 'replica serving'
            : read.role === 'replicas'
              ? 'replicas'
              : read.role.replace(' %', '');
      const unit =
        check.kind === 'promql'
          ? 'value'
          : check.kind === 'failover'
            ? 'req/s'
            : read.role === 'replicas'
              ? 'count'
              : '%';
      add(read.key, name, unit, recorded(read.key));
    }
  }
  return out;
}

/** Firing alerts as intervals: samples closer than `gapMs` belong to one interval. */
export function firingIntervals(signals: RecordedSignals, gapMs = 2_500): FiringInterval[] {
  if ('error' in signals.alerts) return [];
  const intervals: FiringInterval[] = [];
  for (const [alert, { severity, points }] of signals.alerts.firing) {
    let current: FiringInterval | undefined;
    for (const point of [...points].sort((a, b) => a.atMs - b.atMs)) {
      if (point.value <= 0) continue;
      if (current && point.atMs - current.endMs <= gapMs) current.endMs = point.atMs;
      else {
        current = { alert, severity, startMs: point.atMs, endMs: point.atMs };
        intervals.push(current);
      }
    }
  }
  return intervals.sort((a, b) => a.startMs - b.startMs);
}
