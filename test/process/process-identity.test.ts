import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertFaultable,
  identityOf,
  resolveProcess,
  signalIfSame,
  startTicksOf,
} from '../../harness/process/process-identity.ts';

const started: ChildProcess[] = [];
function sleeper(seconds: string, options: { uid?: number } = {}): ChildProcess {
  const child = spawn('sleep', [seconds], { stdio: 'ignore', ...options });
  started.push(child);
  return child;
}
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** The state letter of /proc/<pid>/stat: "S" sleeping, "T" stopped. */
async function stateOf(pid: number): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0]!;
}

describe('a process as a fault names it: pid and start time, real processes (issue 31)', () => {
  it('identifies a live process, and signals it only while the pid is still that process', async () => {
    const child = sleeper('30.1');
    await once(child, 'spawn');
    const identity = (await identityOf(child.pid!))!;
    expect(identity).toMatchObject({ pid: child.pid, command: 'sleep 30.1' });
    expect(identity.startTicks).toBeGreaterThan(0);
    expect(await signalIfSame(identity, 'SIGSTOP')).toBe(true);
    await expect.poll(() => stateOf(child.pid!)).toBe('T');
    // The same pid with another start time: what a reused pid looks like. It is never signalled.
    expect(await signalIfSame({ ...identity, startTicks: identity.startTicks - 1 }, 'SIGCONT')).toBe(false);
    expect(await stateOf(child.pid!)).toBe('T');
    expect(await signalIfSame(identity, 'SIGCONT')).toBe(true);
    await expect.poll(() => stateOf(child.pid!)).toBe('S');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await startTicksOf(child.pid!)).toBeUndefined();
    expect(await signalIfSame(identity, 'SIGCONT')).toBe(false);
  });

  it('refuses init, ordeal itself, its parent, its watchdog, a process that is not running and another user’s', async () => {
    await expect(assertFaultable(1)).rejects.toThrow('process: pid 1 is init (pid 1): never a fault target');
    await expect(assertFaultable(process.pid)).rejects.toThrow(`pid ${process.pid} is ordeal itself`);
    await expect(assertFaultable(process.ppid)).rejects.toThrow("is ordeal's parent");
    const watchdog = sleeper('30.2');
    await once(watchdog, 'spawn');
    await expect(assertFaultable(watchdog.pid!, { watchdogPid: watchdog.pid! })).rejects.toThrow(
      "is ordeal's watchdog",
    );
    expect((await assertFaultable(watchdog.pid!)).pid).toBe(watchdog.pid);
    const gone = sleeper('30.3');
    await once(gone, 'spawn');
    gone.kill('SIGKILL');
    await once(gone, 'exit');
    await expect(assertFaultable(gone.pid!)).rejects.toThrow(`pid ${gone.pid} is not running`);
    // Another user's process (root can start one as nobody; others cannot, and the rule is the same).
    if (process.getuid?.() === 0) {
      const nobodys = sleeper('30.4', { uid: 65534 });
      await once(nobodys, 'spawn');
      await expect(assertFaultable(nobodys.pid!)).rejects.toThrow(
        /belongs to another user \(uid 65534; ordeal runs as 0\)/,
      );
    }
  });

  it('resolves a pid file (a regular file, bounded) or a command line that matches exactly one process', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-pidfile-'));
    const child = sleeper('30.5');
    await once(child, 'spawn');
    await writeFile(path.join(dir, 'ledger.pid'), `${child.pid}\n`);
    expect(await resolveProcess({ pidFile: path.join(dir, 'ledger.pid') })).toBe(child.pid);
    expect(await resolveProcess({ match: 'sleep 30\\.5' })).toBe(child.pid);
    // A FIFO is refused at once (never read: no writer would hang it), so is a file too big to be a pid file.
    execFileSync('mkfifo', [path.join(dir, 'fifo.pid')]);
    await expect(resolveProcess({ pidFile: path.join(dir, 'fifo.pid') })).rejects.toThrow(/is not a regular file/);
    await writeFile(path.join(dir, 'big.pid'), '1'.repeat(100));
    await expect(resolveProcess({ pidFile: path.join(dir, 'big.pid') })).rejects.toThrow(/100 bytes, over the 64/);
    await writeFile(path.join(dir, 'word.pid'), 'ledger');
    await expect(resolveProcess({ pidFile: path.join(dir, 'word.pid') })).rejects.toThrow(/does not hold a process id/);
    await expect(resolveProcess({ pidFile: path.join(dir, 'missing.pid') })).rejects.toThrow(/is missing/);
    const twin = sleeper('30.5');
    await once(twin, 'spawn');
    await expect(resolveProcess({ match: 'sleep 30\\.5' })).rejects.toThrow(/matches 2 processes/);
    await expect(resolveProcess({ match: 'no-such-process-9f3a' })).rejects.toThrow(
      /no running process's command line matches/,
    );
  });
});
