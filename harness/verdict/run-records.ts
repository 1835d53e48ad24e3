import type { RestartSighting } from '../checks/resilience-context.ts';
import type { Fault } from '../scenario/fault-schema.ts';

/*
 * What the judge is given about the run's faults and guards: records, written by faults/ and guards/ as the run
 * goes, read here. They live with the judge (its input), so the judge imports nothing from the parts that do I/O.
 */

/** A fault as applied: a record, never changed afterwards. */
export interface AppliedFault {
  /** Unique per run; the Toxiproxy toxic name for toxics. */
  readonly id: string;
  readonly phase: string;
  readonly fault: Fault;
  readonly appliedAtMs: number;
  /**
   * A fault on a process: the process it acted on, and (set when it is removed) what became of it; for a kill, when
   * it was seen running again (faults/restart-watch.ts).
   */
  readonly process?: { pid: number; command: string; outcome?: string; back?: RestartSighting };
  /** A fault on a container: the container it acted on, and (set when it is removed) what became of it. */
  readonly container?: { id: string; name: string; image: string; outcome?: string };
  /** A starvation fault: the stress-ng process that did it, and (set when it is removed) how it ended. */
  readonly stressor?: { pid: number; command: string; outcome?: string };
  /** A disk fill: its file, how much was written (less than asked when the file system filled), and its end. */
  readonly fill?: { file: string; writtenMb: number; full: boolean; outcome?: string };
}

/** A fault's whole life in a run, as the report shows it. */
export interface FaultRecord extends AppliedFault {
  /** Unset when it could not be removed (the watchdog's job then). */
  readonly removedAtMs?: number;
}

/** A fault of this run that disappeared while it should have been in place (someone removed it). */
export interface VanishedFault {
  applied: AppliedFault;
  detectedAtMs: number;
  /** "its toxic was deleted", "the proxy was re-enabled", "its proxy was deleted". */
  how: string;
}

export interface GuardTrip {
  name: string;
  condition: string;
  trippedAtMs: number;
  /** What was seen when it tripped: "rate 0.62 > 0.2 for 10s". */
  observed: string;
}

export interface GuardOutcome {
  name: string;
  condition: string;
  tripped: boolean;
  trippedAtMs?: number;
  observed?: string;
}
