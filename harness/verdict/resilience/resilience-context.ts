import type { FaultRecord } from '../../faults/fault-controller.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { RecordedSignals, SeriesResult, TimePoint } from '../../signals/recorded-signals.ts';
import type { CheckResult } from '../evaluate-check.ts';
import type { PhaseWindow } from '../phase-stats.ts';

/** A second of client-side load, for checks that look at failures over time. */
export interface LoadSecond {
  atMs: number;
  phase: string;
  requests: number;
  errors: number;
  p95Ms: number | null;
}

/** Everything a resilience check may look at; all recorded, so checks are pure. */
export interface ResilienceContext {
  windows: ReadonlyMap<string, PhaseWindow>;
  faults: readonly FaultRecord[];
  load: readonly LoadSecond[];
  signals: RecordedSignals;
  /** The end of the recorded data: nothing after it was observed. */
  observedUntilMs: number;
}

export type ResultBase = Pick<CheckResult, 'name' | 'phase' | 'metric' | 'expected'>;

export const inconclusive = (base: ResultBase, reason: string): CheckResult => ({ ...base, status: 'inconclusive', passed: false, observed: null, reason });
export const judged = (base: ResultBase, passed: boolean, observed: number | null, reason?: string): CheckResult => ({
  ...base,
  status: passed ? 'pass' : 'fail',
  passed,
  observed,
  ...(reason ? { reason } : {}),
});

/** When the phase's faults began and ended (the phase edges when it has none). */
export function faultSpan(context: ResilienceContext, phase: string): { startMs: number; endMs: number } | undefined {
  const window = context.windows.get(phase);
  if (!window) return undefined;
  const faults = context.faults.filter((f) => f.phase === phase);
  if (faults.length === 0) return { startMs: window.startMs, endMs: window.endMs };
  return {
    startMs: Math.min(...faults.map((f) => f.appliedAtMs)),
    endMs: Math.max(...faults.map((f) => f.removedAtMs ?? window.endMs)),
  };
}

export function seriesPoints(result: SeriesResult | undefined, query: string): TimePoint[] | string {
  if (!result) return `the query "${query}" was not run`;
  if ('error' in result) return result.error;
  if (result.missingMetrics?.length) return `no metric named ${result.missingMetrics.join(', ')} was found for "${query}" (a typo, or a target that is not scraped?)`;
  if (result.points.length === 0) return `the query "${query}" returned no data (is the metric exported and scraped?)`;
  return result.points;
}

export function firstAt(points: readonly TimePoint[], fromMs: number, predicate: (value: number) => boolean): TimePoint | undefined {
  return points.find((p) => p.atMs >= fromMs && predicate(p.value));
}

/**
 * When a condition starts to hold at or after `fromMs`, caused by what began
 * there: if it already held at `fromMs` (left over from before), only after it
 * stopped holding and began again. `heldAtStart` says whether it was left over.
 */
export function firstOnset(points: readonly TimePoint[], fromMs: number, predicate: (value: number) => boolean): { onset?: TimePoint; heldAtStart: boolean } {
  const before = points.filter((p) => p.atMs <= fromMs).at(-1);
  const heldAtStart = before !== undefined && predicate(before.value);
  if (!heldAtStart) return { onset: firstAt(points, fromMs, predicate), heldAtStart };
  const stopped = firstAt(points, fromMs, (v) => !predicate(v));
  return { onset: stopped ? firstAt(points, stopped.atMs, predicate) : undefined, heldAtStart };
}

export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** Where a check with a grace (`after`) starts judging a phase: its start + the grace. */
export const judgedFromMs = (window: { startMs: number }, after: string | undefined): number => window.startMs + (after ? parseDurationMs(after)! : 0);

/** " from +2s" for a check with a grace, for its expected text. */
export const graceText = (after: string | undefined): string => (after ? ` from +${after}` : '');
