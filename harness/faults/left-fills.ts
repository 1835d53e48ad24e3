import { isLeaseAlive, writeLease, type FaultLease } from './fault-lease.ts';
import { removeFill } from './disk-fill.ts';

/**
 * `ordeal cleanup`'s part for disk fills: the fill files dead runs (every run, with `all`) wrote and did not delete,
 * deleted now; a line each, and the leases rewritten without them.
 */
export async function removeLeftFills(leases: readonly FaultLease[], all: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const lease of leases) {
    if (!lease.fills?.length || (!all && isLeaseAlive(lease))) continue;
    for (const file of lease.fills) {
      const failed = await removeFill(file).then(
        () => undefined,
        (error: Error) => error.message,
      );
      lines.push(`run ${lease.runId}: fill ${file}: ${failed ? `could not delete it: ${failed}` : 'deleted'}`);
    }
    await writeLease({ ...lease, fills: [] });
  }
  return lines;
}
