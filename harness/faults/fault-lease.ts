import { readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HeldContainer } from '../containers/held-container.ts';
import type { PendingRestart } from '../process/restart-command.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { ensurePrivateFolder, stateDirectory } from './state-directory.ts';

/**
 * A lease says "run R, driven by process P and guarded by watchdog W, may hold
 * faults in the Toxiproxy at U". A fault whose run has no live lease is stale.
 */
export interface FaultLease {
  runId: string;
  pid: number;
  watchdogPid?: number;
  toxiproxyUrl: string;
  hostname: string;
  startedAt: string;
  /** Processes this run stopped (SIGSTOP) and has not resumed: written before the signal, so `ordeal cleanup` can resume them. */
  paused?: { pid: number; startTicks: number; command: string }[];
  /** Containers this run paused or stopped and has not undone: written before the change, for `ordeal cleanup`. */
  containers?: HeldContainer[];
  /** Restart commands of kills this run made and has not run yet: written before the kill, for `ordeal cleanup`. */
  restarts?: PendingRestart[];
  /** Disk fill files this run wrote and has not deleted: written before the fill, for `ordeal cleanup`. */
  fills?: string[];
}

/** `$ORDEAL_STATE_DIR/leases`, else `<tmpdir>/ordeal/leases`: shared by this user's runs on this machine, private to the user. */
export function leaseDirectory(): string {
  return path.join(stateDirectory(), 'leases');
}

function leaseFile(runId: string, directory: string): string {
  return path.join(directory, `${runId}.json`);
}

export async function writeLease(lease: FaultLease, directory = leaseDirectory()): Promise<void> {
  await ensurePrivateFolder(directory);
  // Written beside and renamed over: a symlink planted at the lease's name is replaced, never followed.
  await writeFileAtomic(leaseFile(lease.runId, directory), `${JSON.stringify(lease, null, 2)}\n`);
}

export async function removeLease(runId: string, directory = leaseDirectory()): Promise<void> {
  await rm(leaseFile(runId, directory), { force: true });
}

export async function readLeases(directory = leaseDirectory()): Promise<FaultLease[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const leases = await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .map((name) =>
        readFile(path.join(directory, name), 'utf8')
          .then((text) => JSON.parse(text) as FaultLease)
          .catch(() => undefined),
      ),
  );
  return leases.filter((lease): lease is FaultLease => lease !== undefined && typeof lease.runId === 'string');
}

/** A zombie (killed, not yet reaped: a container whose init does not reap) answers kill 0 but is not alive. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false;
  }
}

export function isProcessAlive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run is alive while its harness or its watchdog (which may be cleaning up) is alive, on this host. */
export function isLeaseAlive(lease: FaultLease): boolean {
  return lease.hostname === os.hostname() && (isProcessAlive(lease.pid) || isProcessAlive(lease.watchdogPid));
}
