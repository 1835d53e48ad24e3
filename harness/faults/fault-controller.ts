import type { Fault } from '../scenario/fault-schema.ts';

export interface AppliedFault {
  /** Unique per run; the Toxiproxy toxic name for toxics. */
  id: string;
  phase: string;
  fault: Fault;
  appliedAtMs: number;
  removedAtMs?: number;
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
  remove(applied: AppliedFault): Promise<void>;
  removeAll(): Promise<void>;
  active(): AppliedFault[];
  /** Resolves when the fault backend answers; rejects when it does not. */
  ping(): Promise<void>;
}
