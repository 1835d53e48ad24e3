import { OrdealError } from '../errors/ordeal-error.ts';
import { signalIfSame, type ProcessIdentity } from '../process/process-identity.ts';
import { isLeaseAlive, writeLease, type FaultLease } from './fault-lease.ts';
import type { StartedFaultWatchdog } from './fault-watchdog.ts';

/**
 * Stops a process (SIGSTOP) with its undo recorded first, in the watchdog and the lease: whatever happens to the
 * harness after this resolves, the process is resumed (issue 31: a frozen process can never stay frozen).
 */
export async function pauseProcess(watchdog: StartedFaultWatchdog, target: ProcessIdentity): Promise<void> {
  await watchdog.pausing(target);
  if (!(await signalIfSame(target, 'SIGSTOP'))) {
    await watchdog.resumed(target);
    throw new OrdealError('ORDEAL_ERR_WATCHDOG', `pid ${target.pid} (${target.command}) is gone: it was not paused`);
  }
}

/** Resumes it (SIGCONT, only if the pid is still that process); false when it was gone. */
export async function resumeProcess(watchdog: StartedFaultWatchdog, target: ProcessIdentity): Promise<boolean> {
  const resumed = await signalIfSame(target, 'SIGCONT');
  await watchdog.resumed(target);
  return resumed;
}

/**
 * `ordeal cleanup`'s part for processes: the processes dead runs (every run, with `all`) stopped and did not
 * resume, each resumed if its pid is still that process; a line each, and the leases rewritten without them.
 */
export async function resumeLeftPaused(leases: readonly FaultLease[], all: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const lease of leases) {
    if (!lease.paused?.length || (!all && isLeaseAlive(lease))) continue;
    for (const target of lease.paused) {
      const resumed = await signalIfSame(target, 'SIGCONT');
      lines.push(
        `run ${lease.runId}: pid ${target.pid} (${target.command}): ${resumed ? 'resumed (SIGCONT)' : 'gone, or its pid now another process: not signalled'}`,
      );
    }
    await writeLease({ ...lease, paused: [] });
  }
  return lines;
}
