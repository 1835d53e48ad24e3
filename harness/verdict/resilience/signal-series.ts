import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { RecordedSignals, TimePoint } from '../../signals/recorded-signals.ts';
import { replicasQuery } from './autoscaling-check.ts';
import { breakerQuery } from './breaker-check.ts';
import { replicaQuery } from './failover-check.ts';
import { cpuQuery, memoryQuery } from './resources-check.ts';

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
  const wanted: { key: string; name: string; unit: string }[] = checks.flatMap((check) => {
    switch (check.kind) {
      case 'breaker': return [{ key: breakerQuery(check), name: `breaker ${check.breaker}`, unit: '0 closed · 1 half-open · 2 open' }];
      case 'autoscaling': return [{ key: replicasQuery(check), name: 'replicas', unit: 'count' }];
      case 'failover': return [{ key: replicaQuery(check), name: 'replica serving', unit: 'req/s' }];
      case 'resources': return [{ key: cpuQuery(check), name: 'CPU', unit: '%' }, { key: memoryQuery(check), name: 'memory', unit: '%' }];
      default: return [];
    }
  });
  const seen = new Set<string>();
  const out: LabelledSeries[] = [];
  for (const { key, name, unit } of wanted) {
    if (seen.has(key)) continue;
    seen.add(key);
    const result = signals.series.get(key);
    if (result && 'points' in result && result.points.length > 0) out.push({ name, unit, points: result.points });
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
