import { kindOf } from './check-registry.ts';
import type { RecordedSignals, TimePoint } from './recorded-signals.ts';

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
export function labelledSeries(checks: readonly { kind: string }[], signals: RecordedSignals): LabelledSeries[] {
  const out: LabelledSeries[] = [];
  const seen = new Set<string>();
  const add = (key: string, name: string, unit: string, points: TimePoint[] | undefined): void => {
    if (seen.has(key) || !points || points.length === 0) return;
    seen.add(key);
    out.push({ name, unit, points });
  };
  for (const check of checks) {
    const kind = kindOf(check);
    if (kind.chart) {
      for (const series of kind.chart(check, signals)) add(series.key, series.name, series.unit, series.points);
      continue;
    }
    for (const read of kind.reads(check)) {
      const result = signals.series.get(read.key);
      if (read.chart)
        add(read.key, read.chart.name, read.chart.unit, result && 'points' in result ? result.points : undefined);
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
