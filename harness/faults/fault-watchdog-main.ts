/**
 * The fault watchdog: a separate process that outlives the harness. It reads
 * the harness's messages on stdin; when stdin closes or the harness's pid is
 * gone without a "release" (kill -9, crash, OOM), it removes the run's faults
 * from Toxiproxy, stops the processes the run started, drops the lease and exits.
 *
 * argv: <runId> <harnessPid>
 */
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { isProcessAlive, leaseDirectory, removeLease } from './fault-lease.ts';
import { appendPrivateLine } from './state-directory.ts';
import { removeOwnedProxies, removeRunFaults } from './run-fault-cleaner.ts';
import { WATCHDOG_READY, type WatchdogMessage } from './watchdog-protocol.ts';
import { signalIfSame, type ProcessIdentity } from '../process/process-identity.ts';
import { undoHeldContainer } from '../containers/container-control.ts';
import type { HeldContainer } from '../containers/held-container.ts';
import { runRestartCommand, type PendingRestart } from '../process/restart-command.ts';
import { removeFill } from './disk-fill.ts';
import { dockerClient } from '../containers/docker-engine.ts';

const PARENT_POLL_MS = 200;
const CLEANUP_RETRY_FOR_MS = 1_500;
const STOP_GRACE_MS = 3_000;

const [runId, parentPidText] = process.argv.slice(2);
const parentPid = Number(parentPidText);
const toxiproxies = new Map<string, GuardedHttp>();
const ownedPids = new Set<number>();
const ownedContainers = new Set<string>();
/** Processes the run stopped and has not resumed, by "pid:startTicks". */
const paused = new Map<string, ProcessIdentity>();
/** Containers the run paused or stopped and has not undone, by id. */
const heldContainers = new Map<string, HeldContainer>();
/** Restart commands of kills the run made and has not run, by id. */
const pendingRestarts = new Map<string, PendingRestart>();
/** Disk fill files the run wrote and has not deleted. */
const fills = new Set<string>();
let released = false;
let cleaning: Promise<void> | undefined;

async function log(line: string): Promise<void> {
  await appendPrivateLine(
    path.join(leaseDirectory(), 'watchdog.log'),
    `${new Date().toISOString()} ${runId} ${line}\n`,
  ).catch(() => undefined);
}

/**
 * A request the harness had already written when it died still reaches
 * Toxiproxy after the first look (a toxic added, a proxy disabled): the
 * watchdog looks again after these delays, remembering which proxies the run
 * held down, so a late "disable" is undone too.
 */
const LATE_REQUEST_PASSES_MS = [0, 300, 1_000];

async function removeFaults(url: string, http: GuardedHttp): Promise<void> {
  const shown = redactUrl(url);
  const downSeen = new Map<string, string>();
  const changes: string[] = [];
  const startedMs = performance.now();
  for (const atMs of LATE_REQUEST_PASSES_MS) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedMs + atMs - performance.now())));
    const deadlineMs = performance.now() + CLEANUP_RETRY_FOR_MS;
    for (;;) {
      try {
        const removed = await removeRunFaults(http, url, (id) => id === runId, downSeen);
        changes.push(...removed.flatMap((r) => r.changes));
        break;
      } catch (error) {
        if (performance.now() > deadlineMs)
          return log(`harness ${parentPid} gone; ${shown}: could not remove faults: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  // The proxies this run created go too, unless another run still uses one (its toxics or a fresh heartbeat there).
  const deleted = await removeOwnedProxies(http, url, (id) => id === runId).catch((error: Error) => {
    changes.push(`could not delete the proxies it created: ${error.message}`);
    return [];
  });
  changes.push(...deleted.flatMap((d) => d.changes));
  await log(`harness ${parentPid} gone; ${shown}: ${changes.join('; ') || 'no faults left'}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function stopOwnedProcesses(): Promise<void> {
  for (const pid of ownedPids) signalGroup(pid, 'SIGTERM');
  const deadlineMs = performance.now() + STOP_GRACE_MS;
  while (performance.now() < deadlineMs && [...ownedPids].some(isProcessAlive))
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of ownedPids) if (isProcessAlive(pid)) signalGroup(pid, 'SIGKILL');
}

async function removeOwnedContainers(): Promise<void> {
  await Promise.all(
    [...ownedContainers].map(
      (id) =>
        new Promise<void>((resolve) => execFile('docker', ['rm', '-f', id], { timeout: 10_000 }, () => resolve())),
    ),
  );
}

/** First of all: a frozen process never stays frozen (SIGCONT, only to the process that was stopped). */
async function resumePaused(): Promise<void> {
  for (const target of paused.values()) {
    const resumed = await signalIfSame(target, 'SIGCONT');
    await log(
      `harness ${parentPid} gone; pid ${target.pid}: ${resumed ? 'resumed (SIGCONT)' : 'gone or its pid reused: not signalled'}`,
    );
  }
}

/** Then a paused container is unpaused, a stopped one started (through the engine the run used). */
async function undoContainers(): Promise<void> {
  const lines = await Promise.all([...heldContainers.values()].map((held) => undoHeldContainer(held)));
  for (const line of lines) await log(`harness ${parentPid} gone; ${line}`);
}

/** A killed process's restart command the run did not get to: run now (a few seconds at most; left running after). */
async function runPendingRestarts(): Promise<void> {
  const lines = await Promise.all([...pendingRestarts.values()].map((restart) => runRestartCommand(restart, 5_000)));
  for (const line of lines) await log(`harness ${parentPid} gone; ${line}`);
}

/** A disk filled for a phase is given back: the fill files deleted. */
async function removeFills(): Promise<void> {
  for (const file of fills) {
    const failed = await removeFill(file).then(
      () => undefined,
      (error: Error) => error.message,
    );
    await log(`harness ${parentPid} gone; fill ${file}: ${failed ? `could not delete it: ${failed}` : 'deleted'}`);
  }
}

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([resumePaused(), undoContainers(), runPendingRestarts(), removeFills()]);
    await Promise.all([...toxiproxies].map(([url, http]) => removeFaults(url, http)));
    await Promise.all([stopOwnedProcesses(), removeOwnedContainers()]);
    await removeLease(runId!);
  })().finally(() => process.exit(0));
  return cleaning;
}

function handle(message: WatchdogMessage): void {
  if (message.type === 'toxiproxy')
    toxiproxies.set(
      message.url,
      new GuardedHttp({ allowlist: message.allowlist, allowNonLoopback: message.allowNonLoopback }),
    );
  else if (message.type === 'own') ownedPids.add(message.pid);
  else if (message.type === 'paused')
    paused.set(`${message.pid}:${message.startTicks}`, {
      pid: message.pid,
      startTicks: message.startTicks,
      command: '',
    });
  else if (message.type === 'resumed') paused.delete(`${message.pid}:${message.startTicks}`);
  else if (message.type === 'own-container') ownedContainers.add(message.id);
  else if (message.type === 'container-held') {
    heldContainers.set(message.held.id, message.held);
    // Loaded now, not when the harness has died: the undo starts at once then.
    void dockerClient(message.held.docker).catch(() => undefined);
  } else if (message.type === 'container-released') heldContainers.delete(message.id);
  else if (message.type === 'restart-pending') pendingRestarts.set(message.restart.id, message.restart);
  else if (message.type === 'restart-done') pendingRestarts.delete(message.id);
  else if (message.type === 'filling') fills.add(message.file);
  else if (message.type === 'fill-removed') fills.delete(message.file);
  else if (message.type === 'release') {
    released = true;
    process.exit(0);
  }
}

// A terminal's Ctrl-C or hang-up is for the harness, which cleans up itself.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  try {
    handle(JSON.parse(line) as WatchdogMessage);
  } catch {
    // a torn last line from a dying harness: ignore it
  }
});
lines.on('close', () => {
  if (!released) void cleanUp();
});
setInterval(() => {
  if (!released && !isProcessAlive(parentPid)) void cleanUp();
}, PARENT_POLL_MS);
process.stdout.write(`${WATCHDOG_READY}\n`);
