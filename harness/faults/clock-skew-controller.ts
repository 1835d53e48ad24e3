import type { Clock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { SkewableClocks } from '../process/faketime.ts';
import { identityOf } from '../process/process-identity.ts';
import { isClockFault, type Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import type { FaultController } from './fault-controller.ts';

/**
 * clock_skew faults (issue 31) on processes ordeal started under libfaketime: the phase's start writes the offset
 * into the process's offset file, its end writes 0. The process reads the file at every clock call, so the skew
 * holds from the write on, in every thread, and only its wall clock moves (timers run on the monotonic clock).
 * Nothing outlives ordeal: the processes are the run's own and stop with it (the bundled stack's services exit
 * when ordeal does), so no undo is left to the watchdog.
 */
export class ClockSkewController implements FaultController {
  private readonly held = new Map<string, AppliedFault>();
  private counter = 0;

  constructor(
    private readonly clocks: SkewableClocks,
    private readonly runId: string,
    private readonly clock: Clock,
    /** Each started process's pid now, for the report (a supervisor may have started it again). */
    private readonly pidOf: (name: string) => number | undefined,
  ) {}

  async preflight(): Promise<void> {}

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    if (!isClockFault(fault)) throw new Error(`a ${fault.kind} fault is not a clock's to apply`);
    const pid = this.pidOf(fault.process);
    const identity = pid === undefined ? undefined : await identityOf(pid);
    if (!identity)
      throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', `skewing the clock of "${fault.process}": it is not running`);
    await this.clocks.set(fault.process, fault.offsetSec);
    const applied: AppliedFault = {
      id: `ordeal-${this.runId}-clock-${++this.counter}`,
      phase,
      fault,
      appliedAtMs: this.clock.nowMs(),
      process: { pid: identity.pid, command: identity.command },
    };
    this.held.set(applied.id, applied);
    return applied;
  }

  async remove(applied: AppliedFault): Promise<number> {
    if (!this.held.has(applied.id) || !isClockFault(applied.fault)) return this.clock.nowMs();
    await this.clocks.set(applied.fault.process, 0);
    this.held.delete(applied.id);
    if (applied.process) applied.process.outcome = 'wall clock set back (offset 0)';
    return this.clock.nowMs();
  }

  async removeAll(): Promise<void> {
    const failures: string[] = [];
    for (const applied of [...this.held.values()])
      await this.remove(applied).catch((error: Error) => failures.push(error.message));
    if (failures.length > 0) throw new OrdealError('ORDEAL_ERR_PROCESS_FAULT', failures.join('; '));
  }

  active(): AppliedFault[] {
    return [...this.held.values()];
  }

  async verify(): Promise<VanishedFault[]> {
    return [];
  }
}
