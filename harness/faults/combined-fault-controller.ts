import { isClockFault, isContainerFault, isProcessFault, isStressFault, type Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import type { FaultController } from './fault-controller.ts';

/** A run's controllers, one per kind of target. */
export interface FaultControllers {
  /** Toxiproxy's: faults on a proxy. */
  network?: FaultController | undefined;
  /** Faults on a process (pause, kill). */
  processes?: FaultController | undefined;
  /** Faults on a container (container_*). */
  containers?: FaultController | undefined;
  /** Starvation (cpu_stress, memory_stress). */
  stress?: FaultController | undefined;
  /** Wall clocks set off (clock_skew). */
  clocks?: FaultController | undefined;
}

/**
 * One controller for a run's faults of every kind: each fault goes to the controller of its target (a proxy, a
 * process, a container). Undoing everything tries them all, and reports what failed in any.
 */
class CombinedFaultController implements FaultController {
  constructor(private readonly controllers: FaultControllers) {}

  private all(): FaultController[] {
    const { processes, containers, stress, clocks, network } = this.controllers;
    return [processes, containers, stress, clocks, network].filter((c): c is FaultController => c !== undefined);
  }

  private of(fault: Fault): FaultController {
    const { processes, containers, stress, clocks, network } = this.controllers;
    const controller = isProcessFault(fault)
      ? processes
      : isContainerFault(fault)
        ? containers
        : isStressFault(fault)
          ? stress
          : isClockFault(fault)
            ? clocks
            : network;
    if (!controller) throw new Error(`no controller for a ${fault.kind} fault`);
    return controller;
  }

  async preflight(proxyNames: readonly string[]): Promise<void> {
    await this.controllers.network?.preflight(proxyNames);
  }

  apply(fault: Fault, phase: string): Promise<AppliedFault> {
    return this.of(fault).apply(fault, phase);
  }

  remove(applied: AppliedFault): Promise<number> {
    return this.of(applied.fault).remove(applied);
  }

  async removeAll(): Promise<void> {
    const results = await Promise.allSettled(this.all().map((c) => c.removeAll()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 1) throw failed[0]!.reason;
    if (failed.length > 1)
      throw new AggregateError(
        failed.map((f) => f.reason as Error),
        failed.map((f) => (f.reason as Error).message).join('; '),
      );
  }

  active(): AppliedFault[] {
    return this.all().flatMap((c) => c.active());
  }

  async verify(): Promise<VanishedFault[]> {
    const found: VanishedFault[] = [];
    for (const controller of this.all()) found.push(...(await controller.verify()));
    return found;
  }
}

/** The run's fault controller: the one there is, those there are combined, or none. */
export function combineFaultControllers(controllers: FaultControllers): FaultController | undefined {
  const present = Object.values(controllers).filter((c): c is FaultController => c !== undefined);
  if (present.length <= 1) return present[0];
  return new CombinedFaultController(controllers);
}
