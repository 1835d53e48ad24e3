import { isProcessFault, type Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import type { FaultController } from './fault-controller.ts';

/**
 * One controller for a run's faults of both kinds: those on a proxy go to Toxiproxy's controller, those on a process
 * (pause, kill) to the processes'. Undoing everything tries both, and reports what failed in either.
 */
class CombinedFaultController implements FaultController {
  constructor(
    private readonly network: FaultController | undefined,
    private readonly processes: FaultController | undefined,
  ) {}

  private of(fault: Fault): FaultController {
    const controller = isProcessFault(fault) ? this.processes : this.network;
    if (!controller) throw new Error(`no controller for a ${fault.kind} fault`);
    return controller;
  }

  async preflight(proxyNames: readonly string[]): Promise<void> {
    await this.network?.preflight(proxyNames);
  }

  apply(fault: Fault, phase: string): Promise<AppliedFault> {
    return this.of(fault).apply(fault, phase);
  }

  remove(applied: AppliedFault): Promise<number> {
    return this.of(applied.fault).remove(applied);
  }

  async removeAll(): Promise<void> {
    const results = await Promise.allSettled([this.processes?.removeAll(), this.network?.removeAll()]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 1) throw failed[0]!.reason;
    if (failed.length > 1)
      throw new AggregateError(
        failed.map((f) => f.reason as Error),
        failed.map((f) => (f.reason as Error).message).join('; '),
      );
  }

  active(): AppliedFault[] {
    return [...(this.network?.active() ?? []), ...(this.processes?.active() ?? [])];
  }

  async verify(): Promise<VanishedFault[]> {
    return [...((await this.network?.verify()) ?? []), ...((await this.processes?.verify()) ?? [])];
  }
}

/** The run's fault controller: the one there is, both combined, or none. */
export function combineFaultControllers(
  network: FaultController | undefined,
  processes: FaultController | undefined,
): FaultController | undefined {
  if (!processes) return network;
  if (!network) return processes;
  return new CombinedFaultController(network, processes);
}
