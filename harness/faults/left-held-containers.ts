import { undoHeldContainer } from '../containers/container-control.ts';
import { isLeaseAlive, writeLease, type FaultLease } from './fault-lease.ts';

/**
 * `ordeal cleanup`'s part for containers: the containers dead runs (every run, with `all`) paused or stopped and
 * did not undo, each unpaused or started through the engine the run used; a line each, and the leases rewritten
 * without them.
 */
export async function undoLeftHeldContainers(leases: readonly FaultLease[], all: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const lease of leases) {
    if (!lease.containers?.length || (!all && isLeaseAlive(lease))) continue;
    for (const held of lease.containers) lines.push(`run ${lease.runId}: ${await undoHeldContainer(held)}`);
    await writeLease({ ...lease, containers: [] });
  }
  return lines;
}
