import { wallClockMs } from '../clock/time-base.ts';
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { redactUrl } from '../net/redact-url.ts';
import { isNetworkFault, type Fault, type NetworkFault } from '../scenario/fault-schema.ts';
import type { FaultController } from './fault-controller.ts';
import type { AppliedFault, VanishedFault } from '../verdict/run-records.ts';
import { downMarkerName, heartbeatName, parseFaultName, toxicName } from './fault-names.ts';
import { HEARTBEAT_REFRESH_MS, HEARTBEAT_TTL_MS, heartbeatToxic, runsAliveByHeartbeat } from './run-heartbeat.ts';
import { toxicAttributes } from './toxic-body.ts';

function ignoreNotFound(error: Error): void {
  if (!/status code 404/.test(error.message)) throw error;
}

interface ProxyListing {
  name: string;
  enabled: boolean;
  toxics: { name: string; attributes?: Record<string, unknown> }[];
}

/**
 * Faults through a Toxiproxy server: toxics named `ordeal-<runId>-<n>`;
 * "down" is an inert marker toxic `ordeal-<runId>-<n>-down` followed by
 * disabling the proxy, so Toxiproxy itself records what a cleaner must undo.
 * On every proxy it holds faults on, the run keeps a heartbeat toxic fresh,
 * so other runs (and `ordeal cleanup`, from anywhere) know it is alive; and
 * `verify` notices a fault of this run that someone removed.
 */
export class ToxiproxyFaultController implements FaultController {
  private readonly applied = new Map<string, AppliedFault>();
  private readonly removing = new Map<string, Promise<number>>();
  private readonly removedAt = new Map<string, number>();
  private readonly heartbeatProxies = new Set<string>();
  private readonly vanished = new Set<string>();
  private lastHeartbeatMs = 0;
  private counter = 0;

  constructor(
    private readonly client: Toxiproxy,
    private readonly runId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The server's own view, toxics included (the client library's models leave them out). */
  private async listing(proxyName?: string): Promise<ProxyListing[]> {
    if (proxyName)
      return [
        (await this.client.api.get<ProxyListing>(`${this.client.host}/proxies/${encodeURIComponent(proxyName)}`)).data,
      ];
    return Object.values((await this.client.api.get<Record<string, ProxyListing>>(`${this.client.host}/proxies`)).data);
  }

  private get where(): string {
    return `Toxiproxy at ${redactUrl(this.client.host)}`;
  }

  async preflight(proxyNames: readonly string[]): Promise<void> {
    let existing: string[];
    try {
      existing = Object.keys(await this.client.getAll());
    } catch (cause) {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `${this.where} does not answer (start toxiproxy-server, or set toxiproxy.url)`,
        { cause },
      );
    }
    const missing = [...new Set(proxyNames)].filter((name) => !existing.includes(name));
    if (missing.length > 0) {
      // A fault naming a proxy that is not there is the scenario's mistake: exit 2, before any load.
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${this.where} has no proxy named ${missing.map((n) => `"${n}"`).join(', ')} (it has: ${existing.join(', ') || 'none'}; declare it in toxiproxy.proxies)`,
      );
    }
    // This run uses these proxies from now on: its heartbeat there keeps another run from deleting one it created.
    for (const name of new Set(proxyNames)) await this.ensureHeartbeat(name);
  }

  async apply(fault: Fault, phase: string): Promise<AppliedFault> {
    if (!isNetworkFault(fault)) throw new Error(`a ${fault.kind} fault is not Toxiproxy's to apply`);
    const sequence = ++this.counter;
    const id = fault.kind === 'down' ? downMarkerName(this.runId, sequence) : toxicName(this.runId, sequence);
    try {
      const proxy = await this.client.get(fault.proxy);
      await this.ensureHeartbeat(fault.proxy);
      if (fault.kind === 'down') {
        await proxy.addToxic({
          name: id,
          type: 'latency',
          stream: 'downstream',
          toxicity: 0,
          attributes: { latency: 0, jitter: 0 },
        });
        await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      } else {
        await proxy.addToxic({
          name: id,
          type: fault.kind,
          stream: fault.stream,
          toxicity: fault.toxicity,
          attributes: toxicAttributes(fault) as never,
        });
      }
    } catch (cause) {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `applying ${fault.kind} to proxy "${fault.proxy}" failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    const applied: AppliedFault = { id, phase, fault, appliedAtMs: this.clock.nowMs() };
    this.applied.set(id, applied);
    return applied;
  }

  private async ensureHeartbeat(proxyName: string): Promise<void> {
    if (this.heartbeatProxies.has(proxyName)) return;
    const proxy = await this.client.get(proxyName);
    // Heartbeats are read by other processes and hosts against their wall clocks: stamped by the wall clock.
    const body = heartbeatToxic(this.runId, wallClockMs() + HEARTBEAT_TTL_MS);
    // The run may hold the proxy already (proxy-hold.ts keeps the same heartbeat): then it is refreshed.
    await proxy.addToxic(body).catch(async (error: Error) => {
      if (!/status code 409/.test(error.message)) throw error;
      await (await proxy.getToxic(body.name)).update({ attributes: body.attributes, toxicity: 0 } as never);
    });
    this.heartbeatProxies.add(proxyName);
  }

  private async refreshHeartbeats(): Promise<void> {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastHeartbeatMs < HEARTBEAT_REFRESH_MS) return;
    this.lastHeartbeatMs = nowMs;
    const body = heartbeatToxic(this.runId, wallClockMs() + HEARTBEAT_TTL_MS);
    for (const proxyName of this.heartbeatProxies) {
      const proxy = await this.client.get(proxyName);
      const toxic = await proxy.getToxic(body.name).catch(() => undefined);
      if (toxic) await toxic.update({ attributes: body.attributes, toxicity: 0 } as never);
      else await proxy.addToxic(body);
    }
  }

  /** Idempotent, also when called concurrently (a guard's abort and the phase end): resolves with when the fault was removed. */
  remove(applied: AppliedFault): Promise<number> {
    const removedAtMs = this.removedAt.get(applied.id);
    if (removedAtMs !== undefined) return Promise.resolve(removedAtMs);
    const inFlight = this.removing.get(applied.id);
    if (inFlight) return inFlight;
    if (!this.applied.has(applied.id)) return Promise.resolve(this.clock.nowMs());
    const removal = this.removeNow(applied).finally(() => this.removing.delete(applied.id));
    this.removing.set(applied.id, removal);
    return removal;
  }

  private async removeNow(applied: AppliedFault): Promise<number> {
    const fault = applied.fault as NetworkFault;
    try {
      // The reverse of apply: the proxy comes back up before its marker goes, so a kill in between
      // leaves a marker the watchdog acts on, never a disabled proxy with nothing saying whose it is.
      if (fault.kind === 'down' && !(await this.heldDownByAnotherLiveRun(fault.proxy))) {
        const current = await this.client.get(fault.proxy);
        await current.update({ enabled: true, listen: current.listen, upstream: current.upstream });
      }
      const proxy = await this.client.get(fault.proxy);
      await proxy
        .getToxic(applied.id)
        .then((toxic) => toxic.remove())
        .catch(ignoreNotFound);
    } catch (cause) {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `removing ${fault.kind} from proxy "${fault.proxy}" failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    const removedAtMs = this.clock.nowMs();
    this.removedAt.set(applied.id, removedAtMs);
    this.applied.delete(applied.id);
    return removedAtMs;
  }

  /** Another run that is still alive has its own down marker on this proxy: it stays down for that run. */
  private async heldDownByAnotherLiveRun(proxyName: string): Promise<boolean> {
    const [listing] = await this.listing(proxyName);
    const alive = runsAliveByHeartbeat([listing!], wallClockMs());
    return listing!.toxics.some((toxic) => {
      const parsed = parseFaultName(toxic.name);
      return parsed?.downMarker === true && parsed.runId !== this.runId && alive.has(parsed.runId);
    });
  }

  async removeAll(): Promise<void> {
    const failures: Error[] = [];
    for (const applied of [...this.applied.values()].reverse()) {
      await this.remove(applied).catch((error: Error) => failures.push(error));
    }
    if (failures.length === 0) {
      for (const proxyName of [...this.heartbeatProxies]) {
        await this.client
          .get(proxyName)
          .then((proxy) => proxy.getToxic(heartbeatName(this.runId)))
          .then((toxic) => toxic.remove())
          .then(
            () => this.heartbeatProxies.delete(proxyName),
            (error: Error) =>
              /status code 404/.test(error.message) ? this.heartbeatProxies.delete(proxyName) : failures.push(error),
          );
      }
    }
    if (failures.length > 0) {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `${failures.length} fault(s) could not be removed: ${failures.map((f) => f.message).join('; ')}`,
        {
          cause: failures[0],
        },
      );
    }
  }

  /**
   * One look at the server (it answers, or this rejects): keeps the heartbeats
   * fresh, and returns the faults of this run that are gone from it without
   * ordeal removing them (a toxic deleted, a downed proxy re-enabled), each once.
   */
  async verify(): Promise<VanishedFault[]> {
    // A listing asked for before a fault was in place cannot show it: such a fault waits for the next look.
    const listedFromMs = this.clock.nowMs();
    const proxies = await this.listing();
    await this.refreshHeartbeats();
    const byName = new Map(proxies.map((p) => [p.name, p]));
    const found: VanishedFault[] = [];
    for (const applied of this.applied.values()) {
      if (this.vanished.has(applied.id) || this.removing.has(applied.id) || applied.appliedAtMs >= listedFromMs)
        continue;
      const proxy = byName.get((applied.fault as NetworkFault).proxy);
      const toxicThere = proxy?.toxics.some((t) => t.name === applied.id) ?? false;
      const stillDown = applied.fault.kind !== 'down' || proxy?.enabled === false;
      if (toxicThere && stillDown) continue;
      this.vanished.add(applied.id);
      found.push({
        applied,
        detectedAtMs: this.clock.nowMs(),
        how: !proxy ? 'its proxy was deleted' : !toxicThere ? 'its toxic was deleted' : 'the proxy was re-enabled',
      });
    }
    return found;
  }

  active(): AppliedFault[] {
    return [...this.applied.values()];
  }
}
