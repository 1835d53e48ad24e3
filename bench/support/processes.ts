import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TSX_LOADER } from '../../harness/process/tsx-loader.ts';
import { stopChild } from '../../harness/process/stop-child.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const run = promisify(execFile);

/** Starts a TypeScript target pinned to `core`; resolves with its first JSON line and a stop function. */
export function startPinnedTarget<T>(
  script: string,
  args: string[],
  core: number,
): Promise<{ info: T; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    'taskset',
    ['-c', String(core), process.execPath, '--import', TSX_LOADER, script, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve({ info: JSON.parse(chunk.toString().split('\n')[0]!) as T, stop: () => stopChild(child) }),
    );
  });
}

/** Runs a command pinned to `core` and returns its stdout. */
export async function runPinned(
  core: number | string,
  command: string,
  args: string[],
  timeoutMs = 900_000,
): Promise<string> {
  const { stdout } = await run('taskset', ['-c', String(core), command, ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
    cwd: ROOT,
  });
  return stdout;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
