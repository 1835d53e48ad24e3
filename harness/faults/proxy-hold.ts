import type { Toxiproxy } from 'toxiproxy-node-client';
import { wallClockMs } from '../clock/time-base.ts';
import { heartbeatName } from './fault-names.ts';
import { HEARTBEAT_REFRESH_MS, HEARTBEAT_TTL_MS, heartbeatToxic } from './run-heartbeat.ts';

export interface ProxyHold {
  /** Stops refreshing and removes the run's heartbeats (a proxy already gone is fine). */
  stop(): Promise<void>;
}

/**
 * A run says "I use these proxies" for as long as it runs, faults or not: its
 * heartbeat toxic on each (inert, alive-until in its rate), refreshed every
 * 5 s. Another run ending, a watchdog, or a cleanup then leaves a proxy ordeal
 * created alone while this run uses it (run-fault-cleaner.ts). The fault
 * controller keeps the same heartbeat on the proxies it faults; both refresh
 * the same toxic, idempotently.
 */
export async function holdProxies(
  toxiproxy: Toxiproxy,
  proxyNames: readonly string[],
  runId: string,
): Promise<ProxyHold> {
  const names = [...new Set(proxyNames)];
  const beat = async (): Promise<void> => {
    const body = heartbeatToxic(runId, wallClockMs() + HEARTBEAT_TTL_MS);
    for (const name of names) {
      const proxy = await toxiproxy.get(name).catch(() => undefined);
      if (!proxy) continue;
      const toxic = await proxy.getToxic(body.name).catch(() => undefined);
      if (toxic) await toxic.update({ attributes: body.attributes, toxicity: 0 } as never).catch(() => undefined);
      else await proxy.addToxic(body).catch(() => undefined);
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_REFRESH_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      for (const name of names) {
        const proxy = await toxiproxy.get(name).catch(() => undefined);
        await proxy
          ?.getToxic(heartbeatName(runId))
          .then((toxic) => toxic.remove())
          .catch(() => undefined);
      }
    },
  };
}
