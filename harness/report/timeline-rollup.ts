import type { SecondBucket } from '../metrics/second-buckets.ts';
import type { RecordedRun } from '../verdict/recorded-run.ts';

/**
 * The report's timeline of a long run, kept small (issue 29: a six-hour report opens at once): every second
 * stays whole near a moment that matters — a phase's edges, a fault going in or out, a guard trip, a note, a
 * stall or a step of the clock — and elsewhere the seconds of one phase are summed into 10-second steps, and far
 * from any such moment into 1-minute steps. Sums are exact (histograms merge exactly); only the chart's grain
 * changes. Verdicts never read this: they judge the full record in memory.
 */

/** A run up to this long keeps every second on its timeline (a CI gate's run is never rolled up). */
export const WHOLE_TIMELINE_UP_TO_S = 30 * 60;
/** Seconds this close to a moment that matters stay whole. */
export const WHOLE_NEAR_S = 120;
/** Closer than this (and not whole), 10-second steps; farther, 1-minute steps. */
export const TEN_SECOND_STEPS_NEAR_S = 10 * 60;

/** The moments that keep the seconds around them whole, as seconds since the run started. */
export function momentsOf(run: RecordedRun): number[] {
  const at = (ms: number | undefined): number[] => (ms === undefined ? [] : [(ms - run.startedAtMs) / 1_000]);
  return [
    ...[...run.windows.values()].flatMap((w) => [
      ...at(w.startMs),
      ...at(w.endMs),
      ...at(w.load?.startMs),
      ...at(w.load?.endMs),
    ]),
    ...run.faults.flatMap((f) => [...at(f.appliedAtMs), ...at(f.removedAtMs)]),
    ...(run.vanishedFaults ?? []).flatMap((v) => at(v.detectedAtMs)),
    ...(run.guards ?? []).flatMap((g) => at(g.trippedAtMs)),
    ...(run.annotations ?? []).flatMap((n) => at(n.atMs)),
    ...(run.clock?.stalls ?? []).flatMap((s) => [...at(s.fromMs), ...at(s.toMs)]),
    ...(run.clock?.steps ?? []).flatMap((s) => at(s.atMs)),
  ].sort((a, b) => a - b);
}

/** How far the seconds first..last are from the nearest moment (0: one falls inside). */
function distanceS(first: number, last: number, moments: readonly number[]): number {
  let nearest = Infinity;
  for (const moment of moments) {
    const distance = moment < first ? first - moment : moment > last + 1 ? moment - (last + 1) : 0;
    if (distance < nearest) nearest = distance;
  }
  return nearest;
}

/** The step a second of the run is summed into: 1 (whole), 10 or 60 seconds, aligned to the run's start. */
export function stepSecondsOf(second: number, moments: readonly number[], runSeconds: number): 1 | 10 | 60 {
  if (runSeconds <= WHOLE_TIMELINE_UP_TO_S) return 1;
  const minute = Math.floor(second / 60) * 60;
  if (distanceS(minute, minute + 59, moments) > TEN_SECOND_STEPS_NEAR_S) return 60;
  const tens = Math.floor(second / 10) * 10;
  if (distanceS(tens, tens + 9, moments) > WHOLE_NEAR_S) return 10;
  return 1;
}

/**
 * The run's buckets (sorted by second) in groups of one phase and one step, in order: a group of one is a whole
 * second; a longer one becomes one timeline entry spanning its step.
 */
export function rollUpGroups(
  buckets: readonly SecondBucket[],
  moments: readonly number[],
  runSeconds: number,
): SecondBucket[][] {
  const groups: SecondBucket[][] = [];
  const open = new Map<string, SecondBucket[]>();
  for (const bucket of buckets) {
    const step = stepSecondsOf(bucket.second, moments, runSeconds);
    if (step === 1) {
      groups.push([bucket]);
      continue;
    }
    // Every second of a step gets the same step (it is decided on the step's whole span).
    const key = `${bucket.phase}\u0000${step}\u0000${Math.floor(bucket.second / step)}`;
    let group = open.get(key);
    if (!group) {
      group = [];
      open.set(key, group);
      groups.push(group);
    }
    group.push(bucket);
  }
  return groups;
}
