import type { Clock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { ResourceOwner } from '../lifecycle/resource-owner.ts';
import {
  assertFaultable,
  processStateOf,
  resolveProcess,
  signalIfSame,
  startTicksOf,
  type ProcessIdentity,
  type ProcessSelector,
} from '../process/process-identity.ts';
import { isProcessFault, type Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import { runRestartCommand, type PendingRestart } from '../process/restart-command.ts';
import { watchForRestart, type RestartWatch } from './restart-watch.ts';
import type { FaultController } from './fault-controller.ts';

/** A process the scenario declares (its `processes`), by name. */
export interface DeclaredProcess {
  name: string;
  pidFile?: string | undefined;
  match?: string | undefined;
}

/** One of this run's faults on a process, and the process it acted on. */
interface HeldProcessFault {
  applied: AppliedFault;
  target: ProcessIdentity;
  /** A kill's restart command: what it did, once it has run; `now()` runs it without waiting out its delay. */
  restart?: { done: Promise<string>; now: () => void };
  /** A kill's watch for the process running again (a restart check times it). */
  watch?: RestartWatch;
}

/** A kill's restart command, run `afterMs` after the kill (or at once when `now()` is called), then marked done. */
function scheduleRestart(
  owner: ResourceOwner,
  pending: PendingRestart,
  options: { afterMs: number; timeoutMs: number },
): NonNullable<HeldProcessFault['restart']> {
  let now: () => void = () => undefined;
  const due = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.afterMs);
    now = () => (clearTimeout(timer), resolve());
  });
  const done = due
    .then(() => runRestartCommand(pending, options.timeoutMs))
    .then(async (outcome) => (await owner.restartDone(pending.id), outcome));
  return { done, now };
}

const selectorOf = (declared: DeclaredProcess): ProcessSelector =>
  declared.pidFile !== undefined ? { pidFile: declared.pidFile } : { match: declared.match! };

/**
 * Faults on processes the scenario names (issue 31): `pause` stops one (SIGSTOP) for its phase and resumes it
 * (SIGCONT) at the end, its undo told to the watchdog first, so a frozen process never stays frozen, whatever
 * happens to ordeal; `kill` sends a signal as the phase starts and leaves the restart to the service's supervisor,
 * saying at the phase's end whether the process came back (a new pid) or not. A process is looked up again at each
 * fault (a supervisor may have restarted it), and signalled only while its pid still has the start time it had
 * (a reused pid is never touched). Never pid 1, ordeal, its parent or its watchdog, or another user's process.
 */
export class ProcessFaultController implements FaultController {
  private readonly held = new Map<string, HeldProcessFault>();
  private readonly vanished = new Set<string>();
  private counter = 0;

  constructor(
    private readonly processes: readonly DeclaredProcess[],
    private readonly owner: ResourceOwner,
    private readonly runId: string,
    private readonly clock: Clock,
    /** Processes the target's provider started (the bundled stack's services), each one's pid now. */
    private readonly provided: Readonly<Record<string, () => number | undefined>> = {},
  ) {}

  /** Each named process, resolved and checked against the rules (exit 2 before any load); changes nothing. */
  async preflight(names: readonly string[]): Promise<void> {
    for (const name of new Set(names)) await this.resolve(name);
  }

  /** The process `name` is now: its identity, checked against the rules. */
  async resolve(name: string): Promise<ProcessIdentity> {
    const declared = this.processes.find((p) => p.name === name);
    const provided = this.provided[name];
    if (!declared && provided) {
      const field = `the bundled stack's process "${name}"`;
      const pid = provided();
      if (pid === undefined) throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', `${field} is not running`);
      return assertFaultable(pid, { watchdogPid: this.owner.watchdogPid?.() }, field);
    }
    if (!declared)
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `processes: no process named "${name}" is declared${
          Object.keys(this.provided).length > 0
            ? ` or started by the stack (it starts: ${Object.keys(this.provided).join(', ')})`
            : ''
        }`,
      );
    const index = this.processes.indexOf(declared);
    const field = `processes[${index}] ("${name}")`;
    const pid = await resolveProcess(selectorOf(declared), field);
    return assertFaultable(pid, { watchdogPid: this.owner.watchdogPid?.() }, field);
  }

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    if (!isProcessFault(fault)) throw new Error(`a ${fault.kind} fault is not a process's to apply`);
    const target = await this.resolve(fault.process);
    const id = `ordeal-${this.runId}-process-${++this.counter}`;
    let restart: HeldProcessFault['restart'];
    if (fault.kind === 'pause') {
      // The undo first: the watchdog resumes it if ordeal dies from here on.
      await this.owner.pausing(target);
      if (!(await signalIfSame(target, 'SIGSTOP'))) {
        await this.owner.resumed(target);
        throw new OrdealError(
          'ORDEAL_ERR_PROCESS_FAULT',
          `pausing "${fault.process}" failed: pid ${target.pid} is gone`,
        );
      }
    } else {
      // The restart first, like a pause's undo: the watchdog runs it if ordeal dies before it does.
      const pending = fault.restart ? { id, command: fault.restart.command, cwd: process.cwd() } : undefined;
      if (pending) await this.owner.restartPending(pending);
      if (!(await signalIfSame(target, fault.signal))) {
        if (pending) await this.owner.restartDone(pending.id);
        throw new OrdealError(
          'ORDEAL_ERR_PROCESS_FAULT',
          `killing "${fault.process}" failed: pid ${target.pid} is gone`,
        );
      }
      if (pending && fault.restart) restart = scheduleRestart(this.owner, pending, fault.restart);
    }
    const applied: AppliedFault = {
      id,
      phase,
      fault,
      appliedAtMs: this.clock.nowMs(),
      process: { pid: target.pid, command: target.command },
    };
    const watch =
      fault.kind === 'kill'
        ? watchForRestart(target, applied.appliedAtMs, () => this.resolve(fault.process), this.clock)
        : undefined;
    this.held.set(id, { applied, target, ...(restart ? { restart } : {}), ...(watch ? { watch } : {}) });
    return applied;
  }

  /** Resumes a paused process; for a kill, says whether the process came back. Idempotent. */
  async remove(applied: AppliedFault): Promise<number> {
    const held = this.held.get(applied.id);
    if (!held) return this.clock.nowMs();
    this.held.delete(applied.id);
    const outcome = await this.undo(held);
    await held.watch?.stop();
    // What became of the process goes into the report with the fault (the record is built from this object).
    if (applied.process) {
      applied.process.outcome = outcome;
      if (held.watch) applied.process.back = { ...held.watch.sighting };
    }
    return this.clock.nowMs();
  }

  private async undo({ applied, target, restart }: HeldProcessFault): Promise<string> {
    // A kill's restart command is waited for (it may be due after the phase's end): then the process is looked up.
    if (!restart) return this.whatBecameOf(applied, target);
    const restarted = await restart.done;
    // What it started may write its pid file a moment after the command exits: looked up for up to 2 s.
    let outcome = await this.whatBecameOf(applied, target);
    for (let tries = 0; tries < 20 && !outcome.startsWith('running again'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      outcome = await this.whatBecameOf(applied, target);
    }
    return `${restarted}; ${outcome}`;
  }

  private async whatBecameOf(applied: AppliedFault, target: ProcessIdentity): Promise<string> {
    const fault = applied.fault;
    if (fault.kind === 'pause') {
      const resumed = await signalIfSame(target, 'SIGCONT');
      await this.owner.resumed(target);
      return resumed ? 'resumed (SIGCONT)' : `pid ${target.pid} was gone at the phase's end: not signalled`;
    }
    if (!isProcessFault(fault)) return '';
    const now = await this.resolve(fault.process).catch((error: Error) => error);
    if (now instanceof Error) return `not running again at the phase's end (${now.message})`;
    if (now.pid === target.pid && now.startTicks === target.startTicks)
      return `still running as pid ${now.pid}: the signal did not end it`;
    return `running again as pid ${now.pid} (${now.command})`;
  }

  async removeAll(): Promise<void> {
    // Ending early (an abort, a stop): a restart still waiting out its delay runs now.
    for (const held of this.held.values()) held.restart?.now();
    const failures: string[] = [];
    for (const held of [...this.held.values()]) {
      await this.remove(held.applied).catch((error: Error) => failures.push(error.message));
    }
    if (failures.length > 0) throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', failures.join('; '));
  }

  active(): AppliedFault[] {
    return [...this.held.values()].map((h) => h.applied);
  }

  /** A paused process found running (someone resumed it) or gone: the fault is no longer in place. */
  async verify(): Promise<VanishedFault[]> {
    const found: VanishedFault[] = [];
    for (const { applied, target } of this.held.values()) {
      if (applied.fault.kind !== 'pause' || this.vanished.has(applied.id)) continue;
      const same = (await startTicksOf(target.pid)) === target.startTicks;
      const state = same ? await processStateOf(target.pid) : undefined;
      if (state === 'T' || state === 't') continue;
      this.vanished.add(applied.id);
      found.push({
        applied,
        detectedAtMs: this.clock.nowMs(),
        how: same ? `pid ${target.pid} was resumed by something else` : `pid ${target.pid} is gone`,
      });
    }
    return found;
  }
}
