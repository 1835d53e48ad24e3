import type { Toxiproxy } from 'toxiproxy-node-client';
import { OrdealError } from '../errors/ordeal-error.ts';
import { releaseOwnedProxies, sweepBeforeRun } from '../faults/stale-fault-sweeper.ts';
import { markOwned } from '../faults/owned-proxy.ts';
import { holdProxies } from '../faults/proxy-hold.ts';
import { resolveHostPort, type NetworkPolicy } from '../net/network-policy.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { scenarioNeedsPrometheus, scenarioUsesNetworkFaults } from '../scenario/scenario-needs.ts';
import { guardedToxiproxy } from '../toxiproxy/guarded-toxiproxy.ts';
import { startOwnedToxiproxy } from './owned-toxiproxy.ts';
import type { ProvidedTarget, ProviderContext } from './provided-target.ts';

/**
 * The scenario's declared proxies on a Toxiproxy: one that exists with the
 * same listen and upstream is used as it is (with whatever toxics it has); one
 * that does not exist is created, with the checked literal addresses
 * (Toxiproxy never resolves a name itself), and marked as ordeal's (an owner
 * marker toxic): the last live run that uses it deletes it, and so does a
 * cleanup once its run is dead. One that exists with another listen or
 * upstream is someone else's: refused. A user's own proxies are never deleted.
 * Two runs starting at once may both find a proxy missing: the one whose
 * creation loses reads it back and judges it like any existing one.
 */
export async function provideProxies(
  toxiproxy: Toxiproxy,
  proxies: readonly { name: string; listen: string; upstream: string }[],
  policy: NetworkPolicy,
  onMessage: (message: string) => void,
  runId: string,
): Promise<void> {
  const existing = await toxiproxy.getAll();
  for (const [index, proxy] of proxies.entries()) {
    const listen = await resolveHostPort(`toxiproxy.proxies[${index}].listen`, proxy.listen, policy);
    const upstream = await resolveHostPort(`toxiproxy.proxies[${index}].upstream`, proxy.upstream, policy);
    const useExisting = (found: { listen: string; upstream: string }): void => {
      const sameListen = found.listen === listen || found.listen === proxy.listen;
      const sameUpstream = found.upstream === upstream || found.upstream === proxy.upstream;
      if (!sameListen || !sameUpstream) {
        throw new OrdealError(
          'ORDEAL_ERR_TOXIPROXY',
          `toxiproxy.proxies[${index}]: Toxiproxy already has a proxy "${proxy.name}" (${found.listen} → ${found.upstream}), not ${listen} → ${upstream}; ordeal does not change or delete proxies it did not create (rename yours, or declare it as it is)`,
        );
      }
      onMessage(`using the existing proxy "${proxy.name}" (${found.listen} → ${found.upstream})`);
    };
    const found = existing[proxy.name];
    if (found) {
      useExisting(found);
      continue;
    }
    const created = await toxiproxy.createProxy({ name: proxy.name, listen, upstream }).then(
      () => true,
      async (cause: Error) => {
        // Created by another run in the meantime (Toxiproxy answers 409): that one is judged like any existing proxy.
        const raced = /status code 409/.test(cause.message)
          ? await toxiproxy.get(proxy.name).catch(() => undefined)
          : undefined;
        if (!raced)
          throw new OrdealError(
            'ORDEAL_ERR_TOXIPROXY',
            `creating proxy "${proxy.name}" (${listen} → ${upstream}) failed: ${cause.message}`,
            { cause },
          );
        useExisting(raced);
        return false;
      },
    );
    if (created) {
      // Marked as ordeal's: deleted by the last live run that uses it, or by a cleanup once its run is dead.
      await markOwned(toxiproxy, proxy.name, runId);
      onMessage(
        `created proxy "${proxy.name}" (${listen} → ${upstream}); ordeal deletes it when no live run uses it any more`,
      );
    }
  }
}

/**
 * The user's own service: its URL, the Toxiproxy the scenario names (or one
 * ordeal starts when the scenario has faults and names none), with the
 * declared proxies, and the Prometheus it names.
 */
export async function provideUserTarget(scenario: Scenario, context: ProviderContext): Promise<ProvidedTarget> {
  const { overrides } = context;
  const targetUrl = new URL(overrides.targetUrl ?? scenario.target.baseUrl!);
  let toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) await sweepBeforeRun(context.http, toxiproxyUrl, context.runId, context.onMessage);
  else if (scenarioUsesNetworkFaults(scenario)) toxiproxyUrl = await startOwnedToxiproxy(context);
  if (toxiproxyUrl) {
    const url = toxiproxyUrl;
    // At the end: the proxies this run created (or a dead run did) go, unless another live run uses them.
    context.cleanup.push('the proxies ordeal created', async () => {
      for (const change of await releaseOwnedProxies(context.http, url, context.runId)) context.onMessage(change);
    });
    const toxiproxy = guardedToxiproxy(toxiproxyUrl, context.http);
    const declared = scenario.toxiproxy?.proxies ?? [];
    await provideProxies(toxiproxy, declared, context.http.policy, context.onMessage, context.runId);
    // Faults or not, this run uses its declared proxies until it ends: no other run deletes one under it.
    const hold = await holdProxies(
      toxiproxy,
      declared.map((p) => p.name),
      context.runId,
    );
    context.cleanup.push('the heartbeats on the proxies it uses', () => hold.stop());
  }
  const prometheusUrl = scenarioNeedsPrometheus(scenario)
    ? (overrides.prometheusUrl ?? scenario.prometheus?.url)
    : undefined;
  return { targetUrl, toxiproxyUrl, prometheusUrl };
}
