import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { Fault } from '../scenario/fault-schema.ts';
import type { AppliedFault, FaultController } from './fault-controller.ts';
import { downMarkerName, toxicName } from './fault-names.ts';
import { toxicAttributes } from './toxic-body.ts';

function ignoreNotFound(error: Error): void {
  if (!/status code 404/.test(error.message)) throw error;
}

/**
 * Faults through a Toxiproxy server: toxics named `ordeal-<runId>-<n>`;
 * "down" is an inert marker toxic `ordeal-<runId>-<n>-down` followed by
 * disabling the proxy, so Toxiproxy itself records what a cleaner must undo.
 */
export class ToxiproxyFaultController implements FaultController {
  private readonly applied = new Map<string, AppliedFault>();
  private readonly removing = new Map<string, Promise<void>>();
  private counter = 0;

  constructor(
    private readonly client: Toxiproxy,
    private readonly runId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async preflight(proxyNames: readonly string[]): Promise<void> {
    let existing: string[];
    try {
      existing = Object.keys(await this.client.getAll());
    } catch (cause) {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${this.client.host} does not answer (start toxiproxy-server, or set toxiproxy.url)`, { cause });
    }
    const missing = [...new Set(proxyNames)].filter((name) => !existing.includes(name));
    if (missing.length > 0) {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `Toxiproxy at ${this.client.host} has no proxy named ${missing.map((n) => `"${n}"`).join(', ')} (it has: ${existing.join(', ') || 'none'}; declare it in toxiproxy.proxies)`,
      );
    }
  }

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    const sequence = ++this.counter;
    const id = fault.kind === 'down' ? downMarkerName(this.runId, sequence) : toxicName(this.runId, sequence);
    try {
      const proxy = await this.client.get(fault.proxy);
      if (fault.kind === 'down') {
        await proxy.addToxic({ name: id, type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 0, jitter: 0 } });
        await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      } else {
        await proxy.addToxic({ name: id, type: fault.kind, stream: fault.stream, toxicity: fault.toxicity, attributes: toxicAttributes(fault) as never });
      }
    } catch (cause) {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `applying ${fault.kind} to proxy "${fault.proxy}" failed: ${(cause as Error).message}`, { cause });
    }
    const applied: AppliedFault = { id, phase, fault, appliedAtMs: this.clock.nowMs() };
    this.applied.set(id, applied);
    return applied;
  }

  /** Idempotent, also when called concurrently (a guard's abort and the phase end). */
  remove(applied: AppliedFault): Promise<void> {
    const inFlight = this.removing.get(applied.id);
    if (inFlight) return inFlight;
    if (!this.applied.has(applied.id)) return Promise.resolve();
    const removal = this.removeNow(applied).finally(() => this.removing.delete(applied.id));
    this.removing.set(applied.id, removal);
    return removal;
  }

  private async removeNow(applied: AppliedFault): Promise<void> {
    const { fault } = applied;
    try {
      const proxy = await this.client.get(fault.proxy);
      if (fault.kind === 'down') await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      await proxy.getToxic(applied.id).then((toxic) => toxic.remove()).catch(ignoreNotFound);
    } catch (cause) {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `removing ${fault.kind} from proxy "${fault.proxy}" failed: ${(cause as Error).message}`, { cause });
    }
    applied.removedAtMs = this.clock.nowMs();
    this.applied.delete(applied.id);
  }

  async removeAll(): Promise<void> {
    const failures: Error[] = [];
    for (const applied of [...this.applied.values()].reverse()) {
      await this.remove(applied).catch((error: Error) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `${failures.length} fault(s) could not be removed: ${failures.map((f) => f.message).join('; ')}`, {
        cause: failures[0],
      });
    }
  }

  async ping(): Promise<void> {
    const response = await fetch(new URL('/version', this.client.host), { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`GET /version answered ${response.status}`);
  }

  active(): AppliedFault[] {
    return [...this.applied.values()];
  }
}
