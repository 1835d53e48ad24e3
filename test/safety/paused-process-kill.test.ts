import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLease } from '../../harness/faults/fault-lease.ts';
import { identityOf } from '../../harness/process/process-identity.ts';
import { COMPILED_BUILD } from '../support/compiled-build.ts';
import { runCli } from '../support/run-cli.ts';

const CHILD = fileURLToPath(new URL('../support/pausing-harness-child.mjs', import.meta.url));
const ROUNDS = 20;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

async function stateOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0]!;
}

/** A process to pause: `sleep`, which a stop and a continue leave running. */
async function target(): Promise<ChildProcess> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  started.push(child);
  await once(child, 'spawn');
  return child;
}

/** The stand-in harness, once it has paused `pid`: its own process and its watchdog's pid. */
async function harnessPausing(pid: number, runId: string): Promise<{ harness: ChildProcess; watchdogPid: number }> {
  const harness = spawn(process.execPath, [CHILD, COMPILED_BUILD, String(pid), runId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(harness);
  let output = '';
  harness.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  while (!/paused \d+/.test(output)) {
    if (harness.exitCode !== null) throw new Error(`the stand-in harness exited (${harness.exitCode}): ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { harness, watchdogPid: Number(/paused (\d+)/.exec(output)![1]) };
}

describe('a paused process never stays paused (issue 31)', () => {
  it(
    `kill -9 of the harness ×${ROUNDS}: its watchdog resumes the process it paused, every time`,
    { timeout: 120_000 },
    async () => {
      const paused = await target();
      const resumedAfterMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const { harness } = await harnessPausing(paused.pid!, `R-pause-${round}`);
        // A signal is delivered when the process is next scheduled: "stopped" shows a moment after the kill(2).
        await expect.poll(() => stateOf(paused.pid!), { timeout: 5_000, interval: 5 }).toBe('T');
        const killedAt = performance.now();
        harness.kill('SIGKILL');
        await expect.poll(() => stateOf(paused.pid!), { timeout: 10_000, interval: 5 }).toBe('S');
        resumedAfterMs.push(Math.round(performance.now() - killedAt));
      }
      console.log(`kill -9 ×${ROUNDS} with a process paused: resumed after ${resumedAfterMs.join(', ')} ms`);
      expect(resumedAfterMs).toHaveLength(ROUNDS);
    },
  );

  it('harness and watchdog both killed: ordeal cleanup resumes it from the lease, and never signals a reused pid', async () => {
    const paused = await target();
    const { harness, watchdogPid } = await harnessPausing(paused.pid!, 'R-both-dead');
    process.kill(watchdogPid, 'SIGKILL');
    harness.kill('SIGKILL');
    await once(harness, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect.poll(() => stateOf(paused.pid!), { timeout: 5_000, interval: 5 }).toBe('T');
    const cleanup = await runCli(['cleanup'], {}, 30_000);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toContain(`run R-both-dead: pid ${paused.pid} (sleep 600): resumed (SIGCONT)`);
    await expect.poll(() => stateOf(paused.pid!), { timeout: 5_000, interval: 5 }).toBe('S');

    // A lease naming this pid with another start time (the pid reused since): stopped by someone else, left alone.
    const other = await target();
    const identity = (await identityOf(other.pid!))!;
    process.kill(other.pid!, 'SIGSTOP');
    await expect.poll(() => stateOf(other.pid!), { timeout: 5_000, interval: 5 }).toBe('T');
    await writeLease({
      runId: 'R-reused',
      pid: 999_999_999,
      toxiproxyUrl: '',
      hostname: (await import('node:os')).hostname(),
      startedAt: new Date().toISOString(),
      paused: [{ ...identity, startTicks: identity.startTicks + 1 }],
    });
    const again = await runCli(['cleanup'], {}, 30_000);
    expect(again.stdout).toContain(
      `run R-reused: pid ${other.pid} (sleep 600): gone, or its pid now another process: not signalled`,
    );
    expect(await stateOf(other.pid!)).toBe('T');
  });
});
