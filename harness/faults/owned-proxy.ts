import type { Toxiproxy } from 'toxiproxy-node-client';
import { wallClockMs } from '../clock/time-base.ts';
import { ownerMarkerName } from './fault-names.ts';
import { HEARTBEAT_TTL_MS, heartbeatToxic } from './run-heartbeat.ts';

/**
 * Marks a proxy ordeal just created as ordeal's: an inert toxic (toxicity 0,
 * never applied to a connection) named `ordeal-<runId>-owner`. Proxies with
 * such a marker are deleted by the last live run that uses them, by the
 * watchdog of the run that created them, or by a cleanup once that run is
 * dead (run-fault-cleaner.ts removeOwnedProxies); a proxy without one is a
 * user's and is never deleted.
 *
 * The run's heartbeat goes on first: a proxy is never marked as ordeal's
 * without a sign that its run is alive, so another run's sweep starting at
 * that moment (a run without faults has no lease) cannot take it for a dead
 * run's and delete it under its creator.
 */
export async function markOwned(toxiproxy: Toxiproxy, proxyName: string, runId: string): Promise<void> {
  const proxy = await toxiproxy.get(proxyName);
  await proxy.addToxic(heartbeatToxic(runId, wallClockMs() + HEARTBEAT_TTL_MS) as never);
  await proxy.addToxic({
    name: ownerMarkerName(runId),
    type: 'latency',
    stream: 'downstream',
    toxicity: 0,
    attributes: { latency: 0, jitter: 0 },
  } as never);
}
