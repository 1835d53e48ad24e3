import { OrdealError } from '../errors/ordeal-error.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';
import type { HeldContainer } from '../containers/held-container.ts';
import type { ProcessIdentity } from '../process/process-identity.ts';
import type { PendingRestart } from '../process/restart-command.ts';

/**
 * Whoever must undo what a run started if the run dies: told of every process
 * and container the moment it exists, and of the Toxiproxy before any fault
 * goes there. The fault watchdog is the real one; a run that starts nothing
 * and applies no fault has nobody to tell.
 */
export interface ResourceOwner {
  /** `pid` (a process-group leader) must not outlive the run. */
  ownProcess(pid: number | undefined): void;
  /** The container `id` must not outlive the run. */
  ownContainer(id: string): void;
  /** Faults of this run may be placed in the Toxiproxy at `url` (reached under `policy`). */
  guardToxiproxy(url: string, policy: NetworkPolicy): Promise<void>;
  /** `target` is about to be stopped (SIGSTOP): resume it if the run dies. Resolves once that is recorded. */
  pausing(target: ProcessIdentity): Promise<void>;
  /** The run resumed `target` itself. */
  resumed(target: ProcessIdentity): Promise<void>;
  /** A container is about to be paused or stopped: undo it if the run dies. Resolves once that is recorded. */
  holdingContainer(held: HeldContainer): Promise<void>;
  /** The run undid the container's fault itself. */
  releasedContainer(id: string): Promise<void>;
  /** A kill's restart command is to run: run it if the run dies first. Resolves once that is recorded. */
  restartPending(restart: PendingRestart): Promise<void>;
  /** The run ran the restart command itself. */
  restartDone(id: string): Promise<void>;
  /** A disk fill's file is about to be written: delete it if the run dies. Resolves once that is recorded. */
  filling(file: string): Promise<void>;
  /** The run deleted it itself. */
  fillRemoved(file: string): Promise<void>;
  /** The watchdog's own pid, never a fault target. */
  watchdogPid?(): number | undefined;
}

export const NOBODY: ResourceOwner = {
  ownProcess: () => undefined,
  ownContainer: () => undefined,
  guardToxiproxy: async () => undefined,
  pausing: async () => {
    throw new OrdealError('ORDEAL_ERR_WATCHDOG', 'no watchdog guards this run: a process is never paused without one');
  },
  resumed: async () => undefined,
  holdingContainer: async () => {
    throw new OrdealError(
      'ORDEAL_ERR_WATCHDOG',
      'no watchdog guards this run: a container is never paused or stopped without one',
    );
  },
  releasedContainer: async () => undefined,
  restartPending: async () => {
    throw new OrdealError(
      'ORDEAL_ERR_WATCHDOG',
      'no watchdog guards this run: a process is never killed for a restart without one',
    );
  },
  restartDone: async () => undefined,
  filling: async () => {
    throw new OrdealError('ORDEAL_ERR_WATCHDOG', 'no watchdog guards this run: a disk is never filled without one');
  },
  fillRemoved: async () => undefined,
};
