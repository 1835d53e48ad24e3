import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import type { Clock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { ResourceOwner } from '../lifecycle/resource-owner.ts';
import type { ProcessIdentity } from '../process/process-identity.ts';
import { inCgroups, joinableCgroupsOf, type JoinedCgroup } from '../process/cgroups.ts';
import path from 'node:path';
import { isStressFault, type Fault, type StressFault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import { assertFillableDirectory, fillPathOf, removeFill, writeFill } from './disk-fill.ts';
import type { FaultController } from './fault-controller.ts';

/** A disk fill of this run's, in place. */
interface HeldFill {
  applied: AppliedFault;
  file: string;
}

interface RunningStressor {
  applied: AppliedFault;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** stress-ng's own words kept for an error, at most this much. */
const MAX_STDERR_CHARS = 2_000;
/** A stressor that is still there this long after it was started took its options. */
const STARTED_WITHIN_MS = 150;
/** After SIGTERM, this long before SIGKILL. */
const STOP_GRACE_MS = 2_000;
/** Memory a memory_stress may take, as a share of what the machine has available as it starts. */
const MAX_SHARE_OF_AVAILABLE = 0.8;

/** What the machine has available (MemAvailable, MB), or undefined where /proc/meminfo does not say. */
async function availableMb(): Promise<number | undefined> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = /^MemAvailable:\s+(\d+) kB/m.exec(text)?.[1];
  return kb === undefined ? undefined : Math.floor(Number(kb) / 1024);
}

/** The CPUs `pid` may run on ("0-3,6"), from /proc: where a stressor beside it goes. */
async function cpusOf(pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const cpus = /^Cpus_allowed_list:\s+(\S+)/m.exec(status)?.[1];
  if (!cpus) throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', `the CPUs of pid ${pid} cannot be read: it is gone`);
  return cpus;
}

/**
 * Starvation faults (issue 31): stress-ng started as the phase starts and stopped at its end — `cpu_stress` busy
 * workers on the CPUs the named process may run on (its affinity: beside it, not beside ordeal when the two are
 * pinned apart) or on every CPU; `memory_stress` memory taken and kept. The stressor is a process of the run's own,
 * told to the watchdog the moment it exists (a dead ordeal's stressor is stopped with the rest), and bounded twice:
 * stress-ng's own --timeout (the longest phase and a minute) ends it even if everything else is gone. `disk_fill`
 * writes a file of ordeal's into the named directory (its deletion told to the watchdog and the lease first).
 */
export class StressFaultController implements FaultController {
  private readonly running = new Map<string, RunningStressor>();
  private readonly fills = new Map<string, HeldFill>();
  private readonly vanished = new Set<string>();
  private counter = 0;

  constructor(
    private readonly owner: ResourceOwner,
    private readonly runId: string,
    private readonly clock: Clock,
    /** The process a fault names, now (the process faults' own look-up). */
    private readonly resolveProcess: (name: string) => Promise<ProcessIdentity>,
    /** stress-ng stops itself after this long whatever happens (the longest phase and a margin). */
    private readonly timeoutSec: number,
    private readonly binary = 'stress-ng',
  ) {}

  /** stress-ng is there, each named process resolves, and no memory_stress asks for more than the machine has. */
  async preflight(_proxyNames: readonly string[], faults: readonly StressFault[] = []): Promise<void> {
    const needsStressNg = faults.some((fault) => fault.kind !== 'disk_fill');
    if (needsStressNg && spawnSync(this.binary, ['--version'], { stdio: 'ignore' }).status !== 0)
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${faults[0]?.kind ?? 'a stress'} fault needs stress-ng, not found on PATH: apt-get install stress-ng (Debian, Ubuntu) or dnf install stress-ng`,
      );
    for (const fault of faults) {
      if (fault.kind === 'cpu_stress' && fault.process) await this.resolveProcess(fault.process);
      if (fault.kind !== 'disk_fill') await this.cgroupsOf(fault);
      if (fault.kind === 'memory_stress') await this.assertMemoryFor(fault);
      if (fault.kind === 'disk_fill') await assertFillableDirectory(fault.directory);
    }
  }

  /** Writes the fill file, its deletion recorded first (the watchdog and the lease): given back whatever happens. */
  private async fill(fault: Extract<StressFault, { kind: 'disk_fill' }>, phase: string): Promise<AppliedFault> {
    await assertFillableDirectory(fault.directory);
    const id = `ordeal-${this.runId}-fill-${++this.counter}`;
    const file = fillPathOf(fault.directory, id);
    await this.owner.filling(file);
    const written = await writeFill(file, fault.sizeMb).catch(async (error: Error) => {
      await removeFill(file);
      await this.owner.fillRemoved(file);
      throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', `disk_fill of ${fault.directory}: ${error.message}`);
    });
    const applied: AppliedFault = { id, phase, fault, appliedAtMs: this.clock.nowMs(), fill: { file, ...written } };
    this.fills.set(id, { applied, file });
    return applied;
  }

  private async assertMemoryFor(fault: Extract<StressFault, { kind: 'memory_stress' }>): Promise<void> {
    const available = await availableMb();
    if (available === undefined || fault.sizeMb <= available * MAX_SHARE_OF_AVAILABLE) return;
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `memory_stress.sizeMb ${fault.sizeMb} is more than ${MAX_SHARE_OF_AVAILABLE * 100}% of the memory available now (${available} MB): the kernel's OOM killer would choose what dies; use at most ${Math.floor(available * MAX_SHARE_OF_AVAILABLE)}`,
    );
  }

  private async argsOf(fault: Exclude<StressFault, { kind: 'disk_fill' }>): Promise<string[]> {
    const bound = ['--timeout', `${this.timeoutSec}s`, '--quiet'];
    if (fault.kind === 'memory_stress') {
      await this.assertMemoryFor(fault);
      return [
        '--vm',
        String(fault.workers),
        '--vm-bytes',
        `${Math.ceil(fault.sizeMb / fault.workers)}M`,
        '--vm-keep',
        ...bound,
      ];
    }
    const beside = fault.process ? ['--taskset', await cpusOf((await this.resolveProcess(fault.process)).pid)] : [];
    return ['--cpu', String(fault.workers), '--cpu-load', String(fault.loadPercent), ...beside, ...bound];
  }

  /** With cgroup: true, the cgroups of the named process the stressor is started in (checked writable first). */
  private async cgroupsOf(fault: Exclude<StressFault, { kind: 'disk_fill' }>): Promise<JoinedCgroup[]> {
    if (!fault.cgroup || !fault.process) return [];
    const target = await this.resolveProcess(fault.process);
    return joinableCgroupsOf(target.pid, `${fault.kind} cgroup of "${fault.process}"`);
  }

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    if (!isStressFault(fault)) throw new Error(`a ${fault.kind} fault is not a stressor's to apply`);
    if (fault.kind === 'disk_fill') return this.fill(fault, phase);
    const args = await this.argsOf(fault);
    const cgroups = await this.cgroupsOf(fault);
    // Inside the named process's cgroups: a shell moves itself there and becomes stress-ng (the same pid).
    const [file, ...argv] = cgroups.length > 0 ? inCgroups(cgroups, [this.binary, ...args]) : [this.binary, ...args];
    // Its own process group: stopped as one (stress-ng forks its workers), by the run or by its watchdog.
    const child = spawn(file!, argv, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.owner.ownProcess(child.pid);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-MAX_STDERR_CHARS)));
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    const early = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, STARTED_WITHIN_MS, 'up'))]);
    if (early !== 'up' || child.pid === undefined)
      throw new OrdealError(
        'ORDEAL_ERR_PROCESS_FAULT',
        `${fault.kind}: stress-ng ${args.join(' ')} exited at once (code ${early}): ${stderr.trim() || 'it said nothing'}`,
      );
    const applied: AppliedFault = {
      id: `ordeal-${this.runId}-stress-${++this.counter}`,
      phase,
      fault,
      appliedAtMs: this.clock.nowMs(),
      stressor: {
        pid: child.pid,
        command: `stress-ng ${args.join(' ')}${cgroups.length > 0 ? ` (in ${cgroups.map((c) => path.dirname(c.procsFile)).join(', ')})` : ''}`,
      },
    };
    this.running.set(applied.id, { applied, child, exited, stderr: () => stderr });
    return applied;
  }

  /** Stops the stressor (its whole group: SIGTERM, then SIGKILL after a grace), or deletes the fill. Idempotent. */
  async remove(applied: AppliedFault): Promise<number> {
    const fill = this.fills.get(applied.id);
    if (fill) {
      this.fills.delete(applied.id);
      await removeFill(fill.file);
      await this.owner.fillRemoved(fill.file);
      if (applied.fill) applied.fill.outcome = 'deleted';
    }
    const running = this.running.get(applied.id);
    if (!running) return this.clock.nowMs();
    this.running.delete(applied.id);
    const outcome = await this.stop(running);
    if (applied.stressor) applied.stressor.outcome = outcome;
    return this.clock.nowMs();
  }

  private async stop({ child, exited, stderr }: RunningStressor): Promise<string> {
    if (child.exitCode !== null || child.signalCode !== null)
      return `had exited before the phase's end (code ${child.exitCode ?? child.signalCode}): ${stderr().trim().slice(-200) || 'it said nothing'}`;
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    group('SIGTERM');
    const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS, 'late'));
    if ((await Promise.race([exited, grace])) === 'late') {
      group('SIGKILL');
      await exited;
      return 'stopped (SIGKILL: it outlived the SIGTERM grace)';
    }
    return 'stopped';
  }

  async removeAll(): Promise<void> {
    for (const held of [...this.running.values(), ...this.fills.values()]) await this.remove(held.applied);
  }

  active(): AppliedFault[] {
    return [...this.running.values(), ...this.fills.values()].map((r) => r.applied);
  }

  /** A stressor that exited before its phase's end (killed, out of memory): the fault is no longer in place. */
  async verify(): Promise<VanishedFault[]> {
    const found: VanishedFault[] = [];
    for (const { applied, file } of this.fills.values()) {
      if (this.vanished.has(applied.id) || (await stat(file).catch(() => undefined))) continue;
      this.vanished.add(applied.id);
      found.push({
        applied,
        detectedAtMs: this.clock.nowMs(),
        how: `the fill file ${file} was deleted by something else`,
      });
    }
    for (const { applied, child, stderr } of this.running.values()) {
      if (this.vanished.has(applied.id) || (child.exitCode === null && child.signalCode === null)) continue;
      this.vanished.add(applied.id);
      found.push({
        applied,
        detectedAtMs: this.clock.nowMs(),
        how: `stress-ng (pid ${child.pid}) exited early (${child.exitCode ?? child.signalCode}): ${stderr().trim().slice(-200) || 'it said nothing'}`,
      });
    }
    return found;
  }
}
