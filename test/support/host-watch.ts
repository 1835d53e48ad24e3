import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { TestContext } from 'vitest';

/** Above this much CPU used by processes other than the test's own (in cores, on average), the host was busy. */
export const BUSY_HOST_OTHER_CORES = 0.5;

/** Linux's clock ticks per second (USER_HZ) in /proc's CPU times. */
const TICKS_PER_SECOND = 100;

export interface HostReading {
  /** CPU used by processes other than the test's own, in cores, averaged over the watch. */
  otherCores: number;
  seconds: number;
  busy: boolean;
  /** "host busy: …", for a skip's note. */
  note: string;
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: all but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** CPU seconds a process (every thread) has used, from /proc/<pid>/stat; 0 once it is gone. */
function processSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Watches, from outside ordeal, how much of the machine other processes used while a test of the generator's
 * timing ran: the machine's busy CPU time minus the test's own (this process, its threads, and `ourPids`, e.g.
 * the server it loads). A test that finds the generator late asks the watch whether the host was busy: if so,
 * the measurement says nothing about the generator (ordeal says the same of its own runs: a busy host makes a
 * tight latency check inconclusive) and the test skips itself with the reading as its note; if the host was
 * quiet, the generator was late on its own, and the test fails.
 */
export function watchHost(ourPids: readonly number[] = []): { stop(): HostReading } {
  const ours = (): number => [process.pid, ...ourPids].reduce((sum, pid) => sum + processSeconds(pid), 0);
  const startedMs = performance.now();
  const machineBefore = machineBusySeconds();
  const oursBefore = ours();
  return {
    stop() {
      const seconds = (performance.now() - startedMs) / 1_000;
      const other = machineBusySeconds() - machineBefore - (ours() - oursBefore);
      const otherCores = Math.max(0, other / Math.max(seconds, 1e-3));
      const busy = otherCores > BUSY_HOST_OTHER_CORES;
      const note = `host busy: other processes used ${otherCores.toFixed(2)} of ${os.availableParallelism()} cores while it ran (over ${BUSY_HOST_OTHER_CORES}, the generator's timing cannot be judged)`;
      return { otherCores, seconds, busy, note };
    },
  };
}

declare module 'vitest' {
  interface TaskMeta {
    /** Why a test skipped itself (test-summary.mjs prints it beside the test's name). */
    skipNote?: string;
  }
}

/** Skips the test when the watch found the host busy, saying so (the note reaches the test summary). */
export function skipWhenHostBusy(context: TestContext, host: HostReading, detail: string): void {
  if (!host.busy) return;
  const note = `${host.note}; ${detail}`;
  context.task.meta.skipNote = note;
  context.skip(note);
}
