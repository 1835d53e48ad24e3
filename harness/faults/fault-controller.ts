import type { Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';

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
