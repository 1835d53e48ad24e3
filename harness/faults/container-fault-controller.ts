import type Dockerode from 'dockerode';
import type { Clock } from '../clock/clock.ts';
import {
  changeContainer,
  containerStateOf,
  resolveContainer,
  type ContainerIdentity,
  type ContainerSelector,
} from '../containers/container-control.ts';
import { describeEndpoint, dockerClient, dockerEndpoint } from '../containers/docker-engine.ts';
import type { DockerEndpoint, HeldContainer } from '../containers/held-container.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { identityOf, signalIfSame } from '../process/process-identity.ts';
import type { ResourceOwner } from '../lifecycle/resource-owner.ts';
import { isContainerFault, type ContainerFault, type Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import type { FaultController } from './fault-controller.ts';

/** A container the scenario declares (its `containers`), by name. */
export interface DeclaredContainer {
  name: string;
  container?: string | undefined;
  label?: string | undefined;
}

interface HeldContainerFault {
  applied: AppliedFault;
  target: ContainerIdentity;
  /** What the engine said of it as the fault went in (a kill's outcome compares with it). */
  before: { restartCount: number; startedAt: string };
  /** A kill sent through the engine (ordeal may not signal the process): Docker counts it as a manual stop. */
  killedByEngine?: boolean;
}

/**
 * A crash, as the container's restart policy sees one: its main process signalled from the host (`docker kill` is a
 * manual stop to Docker, and a restart policy never restarts a container stopped by hand). False when ordeal may not
 * signal it (another user's process): the engine's kill is used then.
 */
async function crash(pid: number, signal: string): Promise<boolean> {
  const identity = await identityOf(pid);
  if (!identity) return false;
  return signalIfSame(identity, signal as NodeJS.Signals);
}

const selectorOf = (declared: DeclaredContainer): ContainerSelector =>
  declared.container !== undefined ? { container: declared.container } : { label: declared.label! };

const undoOf = (fault: ContainerFault): HeldContainer['undo'] | undefined =>
  fault.kind === 'container_pause' ? 'unpause' : fault.kind === 'container_stop' ? 'start' : undefined;

/**
 * Faults on containers the scenario names, through the Docker Engine API (issue 31): `container_pause` freezes one
 * for its phase and `container_stop` stops it, each undone at the phase's end — the undo told to the watchdog and
 * written in the lease first, so a paused or stopped container never stays so, whatever happens to ordeal;
 * `container_kill` signals its main process and leaves bringing it back to its restart policy, saying at the
 * phase's end whether it came back; `container_restart` bounces it. A container is looked up again at each fault
 * (by name, or label); its id is never reused, so the undo acts only on the container that was faulted.
 */
export class ContainerFaultController implements FaultController {
  private readonly held = new Map<string, HeldContainerFault>();
  private readonly vanished = new Set<string>();
  private readonly endpoint: DockerEndpoint;
  private client: Promise<Dockerode> | undefined;
  private counter = 0;

  constructor(
    private readonly containers: readonly DeclaredContainer[],
    private readonly owner: ResourceOwner,
    private readonly runId: string,
    private readonly clock: Clock,
    dockerHost?: string,
  ) {
    this.endpoint = dockerEndpoint(dockerHost);
  }

  private docker(): Promise<Dockerode> {
    this.client ??= dockerClient(this.endpoint);
    return this.client;
  }

  /** Each named container, resolved on the engine (exit 2 if one names none or many); changes nothing. */
  async preflight(names: readonly string[]): Promise<void> {
    for (const name of new Set(names)) await this.resolve(name);
  }

  /** The container `name` is now. */
  async resolve(name: string): Promise<ContainerIdentity> {
    const declared = this.containers.find((c) => c.name === name);
    if (!declared) throw new OrdealError('ORDEAL_ERR_SCENARIO', `containers: no container named "${name}" is declared`);
    const field = `containers[${this.containers.indexOf(declared)}] ("${name}")`;
    const docker = await this.docker();
    try {
      await docker.ping();
    } catch (cause) {
      throw new OrdealError(
        'ORDEAL_ERR_CONTAINER_FAULT',
        `${field}: no Docker engine answers at ${describeEndpoint(this.endpoint)} (${(cause as Error).message}); start it, or set DOCKER_HOST`,
        { cause },
      );
    }
    return resolveContainer(docker, selectorOf(declared), field);
  }

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    if (!isContainerFault(fault)) throw new Error(`a ${fault.kind} fault is not a container's to apply`);
    const target = await this.resolve(fault.container);
    const docker = await this.docker();
    const state = await containerStateOf(docker, target.id);
    if (!state?.running || state.paused)
      throw new OrdealError(
        'ORDEAL_ERR_CONTAINER_FAULT',
        `${fault.kind} of container "${fault.container}" (${target.name}): it is ${state?.status ?? 'gone'}, not running`,
      );
    const undo = undoOf(fault);
    // The undo first: the watchdog runs it if ordeal dies from here on.
    if (undo) await this.owner.holdingContainer({ id: target.id, name: target.name, undo, docker: this.endpoint });
    let killedByEngine = false;
    try {
      if (fault.kind === 'container_kill') killedByEngine = !(await crash(state.pid, fault.signal));
      if (fault.kind !== 'container_kill' || killedByEngine)
        await changeContainer(
          docker,
          target.id,
          this.changeOf(fault),
          'stopTimeoutSec' in fault ? fault.stopTimeoutSec : 10,
        );
    } catch (error) {
      if (undo) await this.owner.releasedContainer(target.id);
      throw error;
    }
    const id = `ordeal-${this.runId}-container-${++this.counter}`;
    const applied: AppliedFault = {
      id,
      phase,
      fault,
      appliedAtMs: this.clock.nowMs(),
      container: { id: target.id, name: target.name, image: target.image },
    };
    const before = { restartCount: state.restartCount, startedAt: state.startedAt };
    this.held.set(id, { applied, target, before, killedByEngine });
    return applied;
  }

  private changeOf(fault: ContainerFault): Parameters<typeof changeContainer>[2] {
    if (fault.kind === 'container_pause') return 'pause';
    if (fault.kind === 'container_stop') return 'stop';
    if (fault.kind === 'container_restart') return 'restart';
    return { kill: fault.signal };
  }

  /** Unpauses, or starts, the container; for a kill or a restart, says whether it is running. Idempotent. */
  async remove(applied: AppliedFault): Promise<number> {
    const held = this.held.get(applied.id);
    if (!held) return this.clock.nowMs();
    this.held.delete(applied.id);
    const outcome = await this.undo(held);
    if (applied.container) applied.container.outcome = outcome;
    return this.clock.nowMs();
  }

  private async undo({ applied, target, before, killedByEngine }: HeldContainerFault): Promise<string> {
    const fault = applied.fault as ContainerFault;
    const docker = await this.docker();
    const state = await containerStateOf(docker, target.id);
    const undo = undoOf(fault);
    if (undo) {
      if (state && (undo === 'unpause' ? state.paused : !state.running)) await changeContainer(docker, target.id, undo);
      await this.owner.releasedContainer(target.id);
      if (!state) return `gone at the phase's end: nothing to ${undo}`;
      return undo === 'unpause'
        ? state.paused
          ? 'unpaused'
          : 'found running: unpaused by something else'
        : state.running
          ? 'found running: started by something else (its restart policy?)'
          : 'started again';
    }
    if (!state) return "gone at the phase's end";
    if (!state.running)
      return `not running at the phase's end (${state.status})${killedByEngine ? ': killed through the engine (ordeal may not signal its process), which Docker counts as a manual stop: its restart policy does not apply' : ''}`;
    const restarts = state.restartCount - before.restartCount;
    if (fault.kind === 'container_kill' && state.startedAt === before.startedAt)
      return 'still running: the signal did not end it';
    return restarts > 0 ? `running again (restarted ${restarts}× by its restart policy)` : 'running again';
  }

  async removeAll(): Promise<void> {
    const failures: string[] = [];
    for (const held of [...this.held.values()])
      await this.remove(held.applied).catch((error: Error) => failures.push(error.message));
    if (failures.length > 0) throw new OrdealError('ORDEAL_ERR_CONTAINER_FAULT', failures.join('; '));
  }

  active(): AppliedFault[] {
    return [...this.held.values()].map((h) => h.applied);
  }

  /** A paused container found running, a stopped one found started, or either gone: the fault is no longer in place. */
  async verify(): Promise<VanishedFault[]> {
    const found: VanishedFault[] = [];
    for (const { applied, target } of this.held.values()) {
      const undo = undoOf(applied.fault as ContainerFault);
      if (!undo || this.vanished.has(applied.id)) continue;
      const state = await containerStateOf(await this.docker(), target.id);
      if (state && (undo === 'unpause' ? state.paused : !state.running)) continue;
      this.vanished.add(applied.id);
      found.push({
        applied,
        detectedAtMs: this.clock.nowMs(),
        how: !state
          ? `container ${target.name} is gone`
          : undo === 'unpause'
            ? `container ${target.name} was unpaused by something else`
            : `container ${target.name} was started by something else`,
      });
    }
    return found;
  }
}
