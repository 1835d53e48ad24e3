import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes.ts';

export interface TimedRun {
  stdout: string;
  /** User + system CPU seconds of the process and everything it waited for. */
  cpuSec: number;
  wallSec: number;
}

/**
 * Runs a command pinned to `core` under GNU time (`/usr/bin/time`, Debian's
 * `time` package), so every generator's CPU is counted the same way: the whole
 * process, start-up included. A non-zero exit still yields its output (ordeal
 * exits 1 or 3 on a verdict; the figures are what matter here).
 */
export async function runTimed(
  core: number,
  command: string,
  args: string[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<TimedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-timed-'));
  const timesFile = path.join(dir, 'times');
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        '/usr/bin/time',
        ['-f', '%e %U %S', '-o', timesFile, 'taskset', '-c', String(core), command, ...args],
        { maxBuffer: 512 * 1024 * 1024, timeout: options.timeoutMs ?? 900_000, cwd: ROOT, encoding: 'buffer' },
        (error, out) =>
          error && (error as { code?: unknown }).code === undefined ? reject(error) : resolve(out.toString('latin1')),
      );
      if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    });
    const lastLine = (await readFile(timesFile, 'utf8')).trim().split('\n').pop()!;
    const [wall, user, sys] = lastLine.split(' ').map(Number) as [number, number, number];
    return { stdout, cpuSec: user + sys, wallSec: wall };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
