import type { Toxiproxy } from 'toxiproxy-node-client';
import { startBundledStack } from '../../fixtures/stack/bundled-stack.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { FaultController } from '../faults/fault-controller.ts';
import { describeSweep, sweepStaleFaults } from '../faults/stale-fault-sweeper.ts';
import { ToxiproxyFaultController } from '../faults/toxiproxy-fault-controller.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { assertTargetAllowed } from '../scenario/target-guard.ts';
import { startToxiproxy, type StartedToxiproxy, type ToxiproxyProvider } from '../toxiproxy/start-toxiproxy.ts';
import { startStackPrometheus } from '../../fixtures/prometheus/stack-prometheus.ts';
import { scenarioNeedsPrometheus } from '../scenario/scenario-needs.ts';
import { assertPrometheusAnswers, allTargetsUp } from '../signals/prometheus-signals.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { resolveAllowed, resolveHostPort, type NetworkPolicy } from '../net/network-policy.ts';
import { redactUrl } from '../net/redact-url.ts';
import { guardedToxiproxy } from '../toxiproxy/guarded-toxiproxy.ts';

export interface InfrastructureOptions {
  runId: string;
  /** Every request ordeal sends (Toxiproxy, Prometheus) goes through this, under the run's network policy. */
  http: GuardedHttp;
  /** Overrides target.baseUrl. */
  targetUrl?: string;
  /** Overrides toxiproxy.url. */
  toxiproxyUrl?: string;
  /** Overrides prometheus.url. */
  prometheusUrl?: string;
  allowNonLoopback?: boolean;
  onMessage?: (message: string) => void;
  /** Hears of every process started for the run (a process-group leader), so a watchdog can stop it if ordeal dies. */
  onOwnedProcess?: (pid: number | undefined) => void;
  /** Hears of every container started for the run, so a watchdog can remove it if ordeal dies. */
  onOwnedContainer?: (id: string) => void;
  /** How to start a Toxiproxy when the scenario names none. */
  toxiproxyProvider?: ToxiproxyProvider;
  /** Hears of the Toxiproxy the run's faults will go to, before any fault. */
  onToxiproxy?: (url: string, policy: NetworkPolicy) => Promise<void>;
}

export interface StartedRunInfrastructure extends AsyncDisposable {
  targetUrl: URL;
  /** The checked literal address the target's host resolved to: what load connects to. */
  targetAddress: string;
  faults?: FaultController;
  /** Where the service's signals are, when the scenario's checks need them. */
  prometheusUrl?: string;
  stop(): Promise<void>;
}

/** Every address the scenario would touch, refused before anything starts if not allowed. */
export function checkAddresses(scenario: Scenario, options: Pick<InfrastructureOptions, 'targetUrl' | 'toxiproxyUrl' | 'prometheusUrl' | 'allowNonLoopback'>): void {
  const allowlist = scenario.target.allowlist;
  const guard = { allowNonLoopback: options.allowNonLoopback };
  const baseUrl = options.targetUrl ?? scenario.target.baseUrl;
  if (baseUrl && !scenario.stack) assertTargetAllowed(options.targetUrl ? '--target' : 'target.baseUrl', baseUrl, allowlist, guard);
  const toxiproxyUrl = options.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) assertTargetAllowed(options.toxiproxyUrl ? '--toxiproxy' : 'toxiproxy.url', toxiproxyUrl, allowlist, guard);
  if (scenario.scrape?.url) assertTargetAllowed('scrape.url', scenario.scrape.url, allowlist, guard);
  const prometheusUrl = options.prometheusUrl ?? scenario.prometheus?.url;
  if (prometheusUrl) assertTargetAllowed(options.prometheusUrl ? '--prometheus' : 'prometheus.url', prometheusUrl, allowlist, guard);
  scenario.toxiproxy?.proxies.forEach((proxy, index) => {
    assertTargetAllowed(`toxiproxy.proxies[${index}].listen`, `http://${proxy.listen}`, allowlist, guard);
    assertTargetAllowed(`toxiproxy.proxies[${index}].upstream`, `http://${proxy.upstream}`, allowlist, guard);
  });
}

/**
 * What every host the scenario names resolves to, checked against the
 * allowlist before anything starts: names (localhost included) through the
 * system resolver, so a name that resolves elsewhere is refused (exit 2).
 */
export async function checkResolvedAddresses(scenario: Scenario, options: Pick<InfrastructureOptions, 'targetUrl' | 'toxiproxyUrl' | 'prometheusUrl'>, policy: NetworkPolicy): Promise<void> {
  const urls: [string, string | undefined][] = [
    [options.targetUrl ? '--target' : 'target.baseUrl', scenario.stack ? undefined : (options.targetUrl ?? scenario.target.baseUrl)],
    [options.toxiproxyUrl ? '--toxiproxy' : 'toxiproxy.url', options.toxiproxyUrl ?? scenario.toxiproxy?.url],
    [options.prometheusUrl ? '--prometheus' : 'prometheus.url', options.prometheusUrl ?? scenario.prometheus?.url],
    ['scrape.url', scenario.scrape?.url],
  ];
  for (const [field, url] of urls) if (url) await resolveAllowed(field, new URL(url).hostname, policy);
  for (const [index, proxy] of (scenario.toxiproxy?.proxies ?? []).entries()) {
    await resolveHostPort(`toxiproxy.proxies[${index}].listen`, proxy.listen, policy);
    await resolveHostPort(`toxiproxy.proxies[${index}].upstream`, proxy.upstream, policy);
  }
}

/** Prometheus answers, and has scraped its targets at least once (so rates have data from the first phase). */
async function waitForPrometheus(http: GuardedHttp, url: string): Promise<void> {
  const endpoint = { http, url };
  try {
    await assertPrometheusAnswers(endpoint);
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_PROMETHEUS',
      `inconclusive: Prometheus at ${redactUrl(url)} does not answer (${(cause as Error).message}), so the checks on the service's signals could not be judged (start Prometheus, or set prometheus.url); no load was sent`,
      { cause },
    );
  }
  const deadlineMs = Date.now() + 10_000;
  while (Date.now() < deadlineMs && !(await allTargetsUp(endpoint))) await new Promise((resolve) => setTimeout(resolve, 250));
}

/**
 * The scenario's declared proxies on a Toxiproxy ordeal did not start: one
 * that exists with the same listen and upstream is used as it is (with
 * whatever toxics it has); one that does not exist is created, with the
 * checked literal addresses (Toxiproxy never resolves a name itself); one
 * that exists with another listen or upstream is someone else's: refused.
 * ordeal never deletes a proxy it did not start the server of.
 */
async function provideProxies(toxiproxy: Toxiproxy, proxies: readonly { name: string; listen: string; upstream: string }[], policy: NetworkPolicy, onMessage?: (message: string) => void): Promise<void> {
  const existing = await toxiproxy.getAll();
  for (const [index, proxy] of proxies.entries()) {
    const listen = await resolveHostPort(`toxiproxy.proxies[${index}].listen`, proxy.listen, policy);
    const upstream = await resolveHostPort(`toxiproxy.proxies[${index}].upstream`, proxy.upstream, policy);
    const found = existing[proxy.name];
    if (found) {
      const sameListen = found.listen === listen || found.listen === proxy.listen;
      const sameUpstream = found.upstream === upstream || found.upstream === proxy.upstream;
      if (!sameListen || !sameUpstream) {
        throw new OrdealError(
          'ORDEAL_ERR_TOXIPROXY',
          `toxiproxy.proxies[${index}]: Toxiproxy already has a proxy "${proxy.name}" (${found.listen} → ${found.upstream}), not ${listen} → ${upstream}; ordeal does not change or delete proxies it did not create (rename yours, or declare it as it is)`,
        );
      }
      onMessage?.(`using the existing proxy "${proxy.name}" (${found.listen} → ${found.upstream})`);
      continue;
    }
    await toxiproxy.createProxy({ name: proxy.name, listen, upstream }).catch((cause: Error) => {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `creating proxy "${proxy.name}" (${listen} → ${upstream}) failed: ${cause.message}`, { cause });
    });
    onMessage?.(`created proxy "${proxy.name}" (${listen} → ${upstream}); it stays after the run, for the next one`);
  }
}

async function startOwnedToxiproxy(options: InfrastructureOptions, toStop: (() => Promise<void>)[]): Promise<StartedToxiproxy> {
  const provider = options.toxiproxyProvider ?? 'auto';
  options.onMessage?.(provider === 'container' ? 'starting Toxiproxy in a container (testcontainers, host network)' : 'starting Toxiproxy on 127.0.0.1');
  const started = await startToxiproxy(provider, options.onOwnedProcess);
  toStop.push(() => started.stop());
  options.http.trustOwnServer(started.url);
  if (started.containerId) options.onOwnedContainer?.(started.containerId);
  options.onMessage?.(`Toxiproxy at ${started.url}: ${started.description}`);
  return started;
}

/** Faults left by runs that died are removed before this run adds its own, and the user is told. */
async function sweepStale(toxiproxyUrl: string, options: InfrastructureOptions): Promise<void> {
  let result;
  try {
    result = await sweepStaleFaults(options.http, toxiproxyUrl, { exceptRunId: options.runId });
  } catch (cause) {
    throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${redactUrl(toxiproxyUrl)} does not answer (${(cause as Error).message}; start toxiproxy-server, or set toxiproxy.url)`, { cause });
  }
  describeSweep(result).forEach((line) => options.onMessage?.(line));
}

export function usesFaults(scenario: Scenario): boolean {
  return scenario.phases.some((phase) => phase.faults.length > 0);
}

/**
 * Starts (or connects to) what the run needs: the bundled stack, or the
 * user's target plus a Toxiproxy (given by URL, or started by ordeal with the
 * declared proxies). A half-started set-up is stopped before the error is rethrown.
 */
export async function startRunInfrastructure(scenario: Scenario, options: InfrastructureOptions): Promise<StartedRunInfrastructure> {
  const toStop: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of toStop.splice(0).reverse()) await step();
  };
  try {
    let targetUrl: URL;
    let toxiproxy: Toxiproxy | undefined;
    /** The Toxiproxy's URL with its credentials, if any (the client's `host` has none). */
    let toxiproxyFullUrl: string | undefined;
    const toxiproxyUrl = options.toxiproxyUrl ?? scenario.toxiproxy?.url;
    const wantsPrometheus = scenarioNeedsPrometheus(scenario);
    let prometheusUrl = wantsPrometheus ? (options.prometheusUrl ?? scenario.prometheus?.url) : undefined;
    if (scenario.stack) {
      options.onMessage?.(`starting the bundled trading stack${scenario.stack.breaker ? '' : ' (breaker disabled)'}${scenario.stack.failover ? '' : ' (failover disabled)'}`);
      if (toxiproxyUrl) await sweepStale(toxiproxyUrl, options);
      let stackToxiproxyUrl = toxiproxyUrl;
      if (!stackToxiproxyUrl && options.toxiproxyProvider && options.toxiproxyProvider !== 'binary') {
        stackToxiproxyUrl = (await startOwnedToxiproxy(options, toStop)).url;
      }
      const stack = await startBundledStack({ onProcessStarted: options.onOwnedProcess, toxiproxyUrl: stackToxiproxyUrl, breaker: scenario.stack.breaker, failover: scenario.stack.failover });
      toStop.push(() => stack.stop());
      stack.pids().forEach((pid) => options.onOwnedProcess?.(pid));
      options.http.trustOwnServer(stack.gatewayUrl);
      options.http.trustOwnServer(stack.toxiproxy.host);
      targetUrl = new URL(stack.gatewayUrl);
      toxiproxy = guardedToxiproxy(stack.toxiproxy.host, options.http);
      toxiproxyFullUrl = stackToxiproxyUrl;
      if (wantsPrometheus && !prometheusUrl) {
        options.onMessage?.('starting Prometheus (scraping the stack every second, with its alert rules)');
        const prometheus = await startStackPrometheus(stack, {}, options.onOwnedProcess);
        toStop.push(() => prometheus.stop());
        prometheusUrl = prometheus.url;
        options.http.trustOwnServer(prometheus.url);
      }
    } else {
      targetUrl = new URL(options.targetUrl ?? scenario.target.baseUrl!);
      if (toxiproxyUrl) {
        toxiproxy = guardedToxiproxy(toxiproxyUrl, options.http);
        toxiproxyFullUrl = toxiproxyUrl;
        await sweepStale(toxiproxyUrl, options);
      } else if (usesFaults(scenario)) {
        const started = await startOwnedToxiproxy(options, toStop);
        toxiproxy = guardedToxiproxy(started.url, options.http);
      }
      if (toxiproxy) await provideProxies(toxiproxy, scenario.toxiproxy?.proxies ?? [], options.http.policy, options.onMessage);
    }
    if (toxiproxy) await options.onToxiproxy?.(toxiproxyFullUrl ?? toxiproxy.host, options.http.policy);
    const faults = toxiproxy ? new ToxiproxyFaultController(toxiproxy, options.runId) : undefined;
    if (usesFaults(scenario)) {
      if (!faults) throw new OrdealError('ORDEAL_ERR_TOXIPROXY', 'the scenario has faults but no Toxiproxy (set toxiproxy.url)');
      await faults.preflight(scenario.phases.flatMap((phase) => phase.faults.map((fault) => fault.proxy)));
    }
    if (prometheusUrl) await waitForPrometheus(options.http, prometheusUrl);
    // The bundled stack is ordeal's own, on 127.0.0.1; the user's target is resolved and checked once more, and pinned.
    const targetAddress = scenario.stack ? targetUrl.hostname : (await resolveAllowed('target.baseUrl', targetUrl.hostname, options.http.policy))[0]!.address;
    return { targetUrl, targetAddress, faults, prometheusUrl, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
