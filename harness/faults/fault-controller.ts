import type { Fault } from '../scenario/fault-schema.ts';

/** A fault as applied: a record, never changed afterwards. */
export interface AppliedFault {
  /** Unique per run; the Toxiproxy toxic name for toxics. */
  readonly id: string;
  readonly phase: string;
  readonly fault: Fault;
  readonly appliedAtMs: number;
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

/**
 * Applies and removes faults between the service and its dependencies.
 * `removeAll` is the safety net: idempotent, tries every fault even when one
 * removal fails, and reports the failures together.
 */
export interface FaultController {
  /** Checks that every named target of a fault exists; changes nothing. */
  preflight(proxyNames: readonly string[]): Promise<void>;
  apply(fault: Fault, phase: string): Promise<AppliedFault>;
  /** Idempotent; resolves with when the fault was removed. */
  remove(applied: AppliedFault): Promise<number>;
  removeAll(): Promise<void>;
  active(): AppliedFault[];
  /** Rejects when the fault backend does not answer; else keeps the run's liveness marks fresh and returns faults newly found gone. */
  verify(): Promise<VanishedFault[]>;
}
