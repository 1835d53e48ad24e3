import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive } from './alive.ts';

export interface DockerEngine {
  /** Why Docker cannot be used here; undefined when it can. */
  missing?: string;
  stop(): Promise<void>;
}

const answers = (): boolean =>
  spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).status === 0;

/** Shared by the test files that use the engine (they run side by side): who uses it, and the dockerd started here. */
const SHARED = path.join(os.tmpdir(), 'ordeal-test-dockerd');
const USERS = path.join(SHARED, 'users');
const LOCK = path.join(SHARED, 'lock');
const STARTED_PID = path.join(SHARED, 'dockerd.pid');
const LOG = path.join(os.tmpdir(), 'ordeal-dockerd.log');

/** One file at a time starts or stops dockerd (or builds an image) (mkdir is atomic; a lock older than ten minutes was left by a dead file: building the image can take minutes). */
export async function locked<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(SHARED, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000)
        rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** dockerd started here (as root) without a bridge: no iptables, no masquerading: containers use the host network only. */
async function startDockerd(): Promise<string | undefined> {
  const child = spawn('/usr/sbin/dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false'], {
    detached: true,
    stdio: ['ignore', openSync(LOG, 'a'), openSync(LOG, 'a')],
  });
  child.unref();
  const deadlineMs = Date.now() + 30_000;
  while (!answers()) {
    if (Date.now() > deadlineMs || child.exitCode !== null) {
      child.kill('SIGKILL');
      return `dockerd did not start (see ${LOG})`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  writeFileSync(STARTED_PID, String(child.pid));
  return undefined;
}

/** The last file to let go stops the dockerd a test file started (an engine that was running before is left alone). */
async function letGo(me: string): Promise<void> {
  rmSync(me, { force: true });
  await locked(async () => {
    const users = readdirSync(USERS).filter((name) => alive(Number(name.split('-')[0])));
    if (users.length > 0 || !existsSync(STARTED_PID)) return;
    const pid = Number(readFileSync(STARTED_PID, 'utf8'));
    rmSync(STARTED_PID, { force: true });
    if (!alive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadlineMs = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 100));
  });
}

/**
 * A Docker engine for the tests that use one: the running one, or dockerd started here (as root), shared by the
 * test files running side by side and stopped by the last of them to call `stop()`.
 */
export async function ensureDockerEngine(): Promise<DockerEngine> {
  const none = { stop: async () => undefined };
  if (spawnSync('docker', ['--version']).status !== 0)
    return { ...none, missing: "no docker CLI (npm test installs Debian's docker.io as root)" };
  const canStart = process.getuid?.() === 0 && existsSync('/usr/sbin/dockerd');
  if (!canStart && !answers())
    return {
      ...none,
      missing: "no Docker engine answers and dockerd cannot be started here (needs root and Debian's docker.io)",
    };
  mkdirSync(USERS, { recursive: true });
  const me = path.join(USERS, `${process.pid}-${randomUUID()}`);
  writeFileSync(me, '');
  const missing = await locked(async () => (answers() ? undefined : startDockerd()));
  if (missing) {
    rmSync(me, { force: true });
    return { ...none, missing };
  }
  return { stop: () => letGo(me) };
}
