import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DockerEngine {
  /** Why Docker cannot be used here; undefined when it can. */
  missing?: string;
  stop(): Promise<void>;
}

const answers = (): boolean =>
  spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).status === 0;

/**
 * A Docker engine for the testcontainers tests: the running one, or dockerd
 * started here (as root) without a bridge: no iptables, no
 * masquerading: containers use the host network only. Stopped again by `stop()` if started here.
 */
export async function ensureDockerEngine(): Promise<DockerEngine> {
  const none = { stop: async () => undefined };
  if (spawnSync('docker', ['--version']).status !== 0)
    return { ...none, missing: "no docker CLI (npm test installs Debian's docker.io as root)" };
  if (answers()) return none;
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/dockerd'))
    return {
      ...none,
      missing: "no Docker engine answers and dockerd cannot be started here (needs root and Debian's docker.io)",
    };
  const log = path.join(os.tmpdir(), 'ordeal-dockerd.log');
  const child = spawn('/usr/sbin/dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false'], {
    detached: true,
    stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
  });
  child.unref();
  const deadlineMs = Date.now() + 30_000;
  while (!answers()) {
    if (Date.now() > deadlineMs || child.exitCode !== null) {
      child.kill('SIGKILL');
      return { ...none, missing: `dockerd did not start (see ${log})` };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    },
  };
}
