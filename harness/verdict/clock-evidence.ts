import { needsPrometheus } from '../checks/check-registry.ts';
import type { ResilienceCheck } from '../checks/check-registry.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { PhaseWindow } from '../checks/resilience-context.ts';

/** A stretch of the time base when ordeal itself did not run (its process or event loop stalled). */
export interface Stall {
  fromMs: number;
  toMs: number;
}

/** The wall clock jumped against the time base by `byMs` (NTP, a resumed VM, a hand-set clock). */
export interface ClockStep {
  atMs: number;
  byMs: number;
}

/** What ordeal's clock watch saw over a run (run/clock-watch.ts). Data only. */
export interface ClockRecord {
  stalls: Stall[];
  steps: ClockStep[];
  /** The wall clock's slow drift from the time base over the run, steps left out (ms; signed). */
  driftMs: number;
  /** The bounds the watch used, for the words. */
  stallBoundMs: number;
  driftBoundMs: number;
}

const seconds = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
const signed = (ms: number): string => `${ms >= 0 ? '+' : '−'}${seconds(Math.abs(ms))}`;
const since = (atMs: number, startedAtMs: number): string => `+${((atMs - startedAtMs) / 1_000).toFixed(1)} s`;

/** The stretches when ordeal did not run that overlap a window. */
function stallsIn(record: ClockRecord | undefined, window: PhaseWindow | undefined): Stall[] {
  if (!record || !window) return [];
  return record.stalls.filter((s) => s.fromMs < window.endMs && s.toMs > window.startMs);
}

/** Why a wall-clock-stamped signal cannot be placed in time, if the wall clock stepped or drifted beyond its bound. */
function wallClockDoubt(record: ClockRecord | undefined, startedAtMs: number): string | undefined {
  if (!record) return undefined;
  const what = [
    ...record.steps.map((s) => `stepped ${signed(s.byMs)} at ${since(s.atMs, startedAtMs)}`),
    ...(Math.abs(record.driftMs) > record.driftBoundMs ? [`drifted ${signed(record.driftMs)} over the run`] : []),
  ];
  if (what.length === 0) return undefined;
  return `the wall clock ${what.join(' and ')}: Prometheus stamps its samples by the wall clock, so when the service reacted cannot be placed against the phases to within that`;
}

/** A check that reads samples others stamped by their wall clocks (Prometheus' series and alerts). */
function readsWallStamped(check: ResilienceCheck): boolean {
  return needsPrometheus(check);
}

const inconclusive = (check: CheckResult, reason: string): CheckResult =>
  check.status === 'inconclusive' ? check : { ...check, status: 'inconclusive', passed: false, reason };

/** A signal check's results, made inconclusive when the wall clock moved under what it reads. Pure. */
export function withWallClockEvidence(
  check: ResilienceCheck,
  results: CheckResult[],
  record: ClockRecord | undefined,
  startedAtMs: number,
): CheckResult[] {
  const doubt = readsWallStamped(check) ? wallClockDoubt(record, startedAtMs) : undefined;
  return doubt ? results.map((r) => inconclusive(r, doubt)) : results;
}

/**
 * Every check of a phase that ordeal itself did not run through is
 * inconclusive: evidence is missing for that stretch (no sends, no probes, no
 * look at the faults), whatever the numbers say. Pure.
 */
export function withoutStalls(
  checks: CheckResult[],
  windows: ReadonlyMap<string, PhaseWindow>,
  record: ClockRecord | undefined,
  startedAtMs: number,
): CheckResult[] {
  return checks.map((check) => {
    const stalls = stallsIn(record, windows.get(check.phase));
    if (stalls.length === 0) return check;
    const when = stalls.map((s) => `from ${since(s.fromMs, startedAtMs)} to ${since(s.toMs, startedAtMs)}`).join(', ');
    // The root cause of whatever else is missing there (a generator behind, a signal without data): said instead.
    return {
      ...check,
      status: 'inconclusive',
      passed: false,
      reason: `ordeal was not running ${when} (its process stalled: a SIGSTOP, a frozen VM, CPU starvation): this phase has a hole in its evidence`,
    };
  });
}

/** What the report says once about the run's clocks, in words a person acts on. Pure. */
export function clockWarnings(record: ClockRecord | undefined, startedAtMs: number): string[] {
  if (!record) return [];
  const warnings: string[] = [];
  for (const s of record.stalls) {
    warnings.push(
      `ordeal was not running from ${since(s.fromMs, startedAtMs)} to ${since(s.toMs, startedAtMs)} (${seconds(s.toMs - s.fromMs)}; a stall over ${seconds(record.stallBoundMs)}): the checks of the phases it overlaps are inconclusive`,
    );
  }
  const doubt = wallClockDoubt(record, startedAtMs);
  if (doubt)
    warnings.push(
      `${doubt}; checks on Prometheus' signals are inconclusive. ordeal's own timing (phases, schedules, latencies) runs on the monotonic clock and is unaffected`,
    );
  return warnings;
}
