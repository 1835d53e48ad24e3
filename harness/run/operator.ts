import type { RunReport } from '../report/run-report.ts';
import type { PlannedPhase } from '../scenario/timeline.ts';
import type { OperatorNote } from '../verdict/recorded-run.ts';

/** The longest note kept, in characters; more is cut (and says so). */
export const MAX_NOTE_CHARS = 500;
/** Notes kept per run: a run's record stays bounded whatever is typed. */
export const MAX_NOTES = 1_000;

/** The run as it stands, for the live console: a provisional report and which checks can no longer change. */
export interface LiveSnapshot {
  report: RunReport;
  /** The phase running now. */
  runningPhase?: string;
  /** Per phase that ended: from when (epoch ms) its checks are settled — its data complete, including what they wait for after the phase. */
  settledAtMs: Record<string, number>;
  nowMs: number;
}

/** What an operator can do to a running run. */
export interface OperatorControls {
  /** The phase running now, if any. */
  runningPhase(): string | undefined;
  /** Skips the rest of the running phase (its faults removed); false when no phase runs. */
  skipPhase(reason: string): boolean;
  /** A note on the timeline and in report.json; throws a RangeError saying why a note is refused. */
  annotate(text: string, source: OperatorNote['source']): OperatorNote;
  /** The run so far. */
  snapshot(): Promise<LiveSnapshot>;
}

/**
 * An operator's hand on the run (the live console, the terminal): confirm
 * each phase's faults before they go in (false: nobody did in time, and the
 * run aborts); `attach` hands over the controls once the run has started.
 */
export interface Operator {
  confirmFaults?: (phase: PlannedPhase, signal: AbortSignal) => Promise<boolean>;
  attach?: (controls: OperatorControls) => void;
}

// eslint-disable-next-line no-control-regex -- control characters (and line separators) are what a note must not carry
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A note's text as kept: control characters become spaces, runs of space one, trimmed, cut at MAX_NOTE_CHARS. */
export function cleanNoteText(text: unknown): string {
  if (typeof text !== 'string') throw new RangeError('a note is text');
  const clean = text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length === 0) throw new RangeError('a note needs some text');
  return clean.length > MAX_NOTE_CHARS ? `${clean.slice(0, MAX_NOTE_CHARS - 1)}…` : clean;
}
