import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';
import { redactUrl } from '../net/redact-url.ts';
import { moduleEntry } from '../process/module-entry.ts';
import type { HeldContainer } from '../containers/held-container.ts';
import type { ProcessIdentity } from '../process/process-identity.ts';
import type { PendingRestart } from '../process/restart-command.ts';
import { leaseDirectory, removeLease, writeLease, type FaultLease } from './fault-lease.ts';
import { ensurePrivateFolder } from './state-directory.ts';
import { WATCHDOG_READY, type WatchdogMessage } from './watchdog-protocol.ts';

const WATCHDOG_MAIN = moduleEntry(import.meta.url, './fault-watchdog-main.ts');

/**
 * The harness's side of the watchdog: what it is told here it undoes if the
 * harness dies without calling `release()`.
 */
export class StartedFaultWatchdog {
  private released = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly lease: FaultLease,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Faults of this run may be placed in the Toxiproxy at `url` (reached under `policy`). */
  async guardToxiproxy(url: string, policy: NetworkPolicy): Promise<void> {
    this.send({ type: 'toxiproxy', url, allowlist: [...policy.allowlist], allowNonLoopback: policy.allowNonLoopback });
    // The lease is a file: it never holds a password (ordeal cleanup asks for --toxiproxy with credentials then).
    this.lease.toxiproxyUrl = redactUrl(url);
    await writeLease(this.lease);
  }

  /** `pid` (a process-group leader) must not outlive the run. */
  own(pid: number | undefined): void {
    if (pid !== undefined) this.send({ type: 'own', pid });
  }

  /** The container `id` must not outlive the run. */
  ownContainer(id: string): void {
    this.send({ type: 'own-container', id });
  }

  /**
   * The undo of a pause, recorded before the process is stopped: in the watchdog (which resumes it if the harness
   * dies) and in the lease (which `ordeal cleanup` reads if both died).
   */
  async pausing(target: ProcessIdentity): Promise<void> {
    this.send({ type: 'paused', pid: target.pid, startTicks: target.startTicks });
    this.lease.paused = [...(this.lease.paused ?? []), target];
    await writeLease(this.lease);
  }

  /** The run resumed `target` itself: nothing left to undo. */
  async resumed(target: ProcessIdentity): Promise<void> {
    this.send({ type: 'resumed', pid: target.pid, startTicks: target.startTicks });
    this.lease.paused = (this.lease.paused ?? []).filter(
      (p) => p.pid !== target.pid || p.startTicks !== target.startTicks,
    );
    await writeLease(this.lease);
  }

  /**
   * The undo of a container's pause or stop, recorded before the change: in the watchdog (which runs it if the
   * harness dies) and in the lease (which `ordeal cleanup` reads if both died).
   */
  async holdingContainer(held: HeldContainer): Promise<void> {
    this.send({ type: 'container-held', held });
    this.lease.containers = [...(this.lease.containers ?? []).filter((c) => c.id !== held.id), held];
    await writeLease(this.lease);
  }

  /** The run undid the container's fault itself. */
  async releasedContainer(id: string): Promise<void> {
    this.send({ type: 'container-released', id });
    this.lease.containers = (this.lease.containers ?? []).filter((c) => c.id !== id);
    await writeLease(this.lease);
  }

  /** A kill's restart command, recorded before the kill: in the watchdog and in the lease. */
  async restartPending(restart: PendingRestart): Promise<void> {
    this.send({ type: 'restart-pending', restart });
    this.lease.restarts = [...(this.lease.restarts ?? []), restart];
    await writeLease(this.lease);
  }

  /** The run ran the restart command itself. */
  async restartDone(id: string): Promise<void> {
    this.send({ type: 'restart-done', id });
    this.lease.restarts = (this.lease.restarts ?? []).filter((r) => r.id !== id);
    await writeLease(this.lease);
  }

  /** A disk fill's file, recorded before it is written: in the watchdog and in the lease. */
  async filling(file: string): Promise<void> {
    this.send({ type: 'filling', file });
    this.lease.fills = [...(this.lease.fills ?? []), file];
    await writeLease(this.lease);
  }

  /** The run deleted it. */
  async fillRemoved(file: string): Promise<void> {
    this.send({ type: 'fill-removed', file });
    this.lease.fills = (this.lease.fills ?? []).filter((f) => f !== file);
    await writeLease(this.lease);
  }

  /** The run cleaned up after itself: the watchdog exits without acting, the lease is dropped. */
  async release(): Promise<void> {
    if (this.released) return;
    this.send({ type: 'release' });
    this.released = true;
    this.child.stdin?.end();
    await removeLease(this.lease.runId);
  }

  private send(message: WatchdogMessage): void {
    if (!this.released && this.child.stdin?.writable) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }
}

/**
 * Starts the watchdog in its own session (a terminal's Ctrl-C and a kill of
 * the harness's process group do not reach it) and writes the run's lease.
 * Resolves once the watchdog listens.
 */
export async function startFaultWatchdog(runId: string, startTimeoutMs = 10_000): Promise<StartedFaultWatchdog> {
  // A state folder that is not ours is refused before anything starts.
  await ensurePrivateFolder(leaseDirectory());
  const child = spawn(process.execPath, [...WATCHDOG_MAIN.execArgv, WATCHDOG_MAIN.file, runId, String(process.pid)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${startTimeoutMs}ms`)), startTimeoutMs);
      let output = '';
      child.once('error', (error) => (clearTimeout(timer), reject(error)));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with code ${code}`))));
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(WATCHDOG_READY)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (cause) {
    child.kill('SIGKILL');
    throw new OrdealError(
      'ORDEAL_ERR_WATCHDOG',
      `the fault watchdog did not start (${(cause as Error).message}); no fault was applied`,
      { cause },
    );
  }
  child.removeAllListeners('exit');
  child.stdout!.destroy();
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  const lease: FaultLease = {
    runId,
    pid: process.pid,
    watchdogPid: child.pid,
    toxiproxyUrl: '',
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
  };
  await writeLease(lease);
  return new StartedFaultWatchdog(child, lease);
}
