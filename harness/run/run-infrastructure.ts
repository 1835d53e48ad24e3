import { systemClock, type Clock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { FaultController } from '../faults/fault-controller.ts';
import { ToxiproxyFaultController } from '../faults/toxiproxy-fault-controller.ts';
import { ContainerFaultController } from '../faults/container-fault-controller.ts';
import { ProcessFaultController } from '../faults/process-fault-controller.ts';
import { ClockSkewController } from '../faults/clock-skew-controller.ts';
import { combineFaultControllers, type FaultControllers } from '../faults/combined-fault-controller.ts';
import { StressFaultController } from '../faults/stress-fault-controller.ts';
import { isContainerFault, isNetworkFault, isProcessFault, isStressFault } from '../scenario/fault-schema.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { resolveAllowed, resolveHostPort, type NetworkPolicy } from '../net/network-policy.ts';
import { redactUrl } from '../net/redact-url.ts';
import { provideBundledStack } from '../providers/bundled-stack/bundled-stack-provider.ts';
import type { ProviderContext } from '../providers/provided-target.ts';
import { provideUserTarget } from '../providers/user-target-provider.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { assertTargetAllowed } from '../scenario/target-guard.ts';
import { allTargetsUp, assertPrometheusAnswers } from '../signals/prometheus-signals.ts';
import { guardedToxiproxy } from '../toxiproxy/guarded-toxiproxy.ts';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { assertListening } from '../net/tcp-probe.ts';
import { assertFaultProxiesDeclared } from '../faults/fault-proxies.ts';
import { waitUntil } from '../clock/wait-until.ts';
import { CleanupStack } from '../lifecycle/cleanup-stack.ts';
import type { ResourceOwner } from '../lifecycle/resource-owner.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';

export interface InfrastructureOptions {
  runId: string;
  /** Every request ordeal sends (Toxiproxy, Prometheus) goes through this, under the run's network policy. */
  http: GuardedHttp;
  /** Told of every process and container started for the run, and of the Toxiproxy before any fault. */
  owner: ResourceOwner;
  overrides: RunOverrides;
  /** The run's clock: fault windows are stamped with it. */
  clock?: Clock;
  onMessage?: (message: string) => void;
}

export interface StartedRunInfrastructure {
  targetUrl: URL;
  /** The checked literal address the target's host resolved to: what load connects to. */
  targetAddress: string;
  faults?: FaultController;
  /** Where the service's signals are, when the scenario's checks need them. */
  prometheusUrl?: string;
  /** Stops what was started, newest first; returns what could not be stopped. */
  stop(): Promise<string[]>;
}

/** Every address the scenario would touch, refused before anything starts if not allowed (as written: a quick first look). */
export function checkAddresses(scenario: Scenario, overrides: RunOverrides): void {
  assertFaultProxiesDeclared(scenario, overrides);
  const allowlist = scenario.target.allowlist;
  const guard = { allowNonLoopback: overrides.allowNonLoopback };
  const baseUrl = overrides.targetUrl ?? scenario.target.baseUrl;
  if (baseUrl && !scenario.stack)
    assertTargetAllowed(overrides.targetUrl ? '--target' : 'target.baseUrl', baseUrl, allowlist, guard);
  const toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl)
    assertTargetAllowed(overrides.toxiproxyUrl ? '--toxiproxy' : 'toxiproxy.url', toxiproxyUrl, allowlist, guard);
  if (scenario.scrape.url) assertTargetAllowed('scrape.url', scenario.scrape.url, allowlist, guard);
  for (const [name, probe] of Object.entries(scenario.health?.probes ?? {}))
    if (!probe.url.startsWith('/')) assertTargetAllowed(`health.probes.${name}.url`, probe.url, allowlist, guard);
  const prometheusUrl = overrides.prometheusUrl ?? scenario.prometheus?.url;
  if (prometheusUrl)
    assertTargetAllowed(overrides.prometheusUrl ? '--prometheus' : 'prometheus.url', prometheusUrl, allowlist, guard);
  scenario.notify.forEach((channel, index) =>
    assertTargetAllowed(`notify[${index}].url`, channel.url, allowlist, guard),
  );
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
export async function checkResolvedAddresses(
  scenario: Scenario,
  overrides: RunOverrides,
  policy: NetworkPolicy,
): Promise<void> {
  const urls: [string, string | undefined][] = [
    [
      overrides.targetUrl ? '--target' : 'target.baseUrl',
      scenario.stack ? undefined : (overrides.targetUrl ?? scenario.target.baseUrl),
    ],
    [overrides.toxiproxyUrl ? '--toxiproxy' : 'toxiproxy.url', overrides.toxiproxyUrl ?? scenario.toxiproxy?.url],
    [overrides.prometheusUrl ? '--prometheus' : 'prometheus.url', overrides.prometheusUrl ?? scenario.prometheus?.url],
    ['scrape.url', scenario.scrape.url],
    ...Object.entries(scenario.health?.probes ?? {}).map(([name, probe]): [string, string | undefined] => [
      `health.probes.${name}.url`,
      probe.url.startsWith('/') ? undefined : probe.url,
    ]),
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
  // Not every target may be up yet; after 10 s the run goes on and the checks say what they lack.
  await waitUntil(() => allTargetsUp(endpoint), { timeoutMs: 10_000, intervalMs: 250 }).catch(() => undefined);
}

/** Every proxy a fault names forwards to something that listens (those whose upstream the allowlist admits: only those ordeal may dial). */
export async function assertUpstreamsListen(
  scenario: Scenario,
  toxiproxy: Toxiproxy,
  policy: NetworkPolicy,
): Promise<void> {
  const proxies = await toxiproxy.getAll();
  for (const [phaseIndex, phase] of scenario.phases.entries()) {
    for (const [faultIndex, fault] of phase.faults.entries()) {
      if (!isNetworkFault(fault)) continue;
      // A proxy ordeal will create (declared, not there yet) is checked at its declared upstream, like an existing one.
      const upstream =
        proxies[fault.proxy]?.upstream ?? scenario.toxiproxy?.proxies.find((p) => p.name === fault.proxy)?.upstream;
      if (!upstream) continue;
      const checked = await resolveHostPort('upstream', upstream, policy).catch(() => undefined);
      if (!checked) continue;
      const url = new URL(`http://${checked}`);
      await assertListening(
        `phases[${phaseIndex}].faults[${faultIndex}].proxy "${fault.proxy}" (its upstream)`,
        url.hostname.replace(/^\[(.*)\]$/, '$1'),
        Number(url.port),
      );
    }
  }
}

/**
 * The controllers of the faults on this machine — on processes, on containers, starvation — each target checked
 * first (a process resolved, a container found, stress-ng there); undefined for a kind the scenario does not use.
 */
async function hostFaultsOf(
  scenario: Scenario,
  options: InfrastructureOptions,
  provided: ConstructorParameters<typeof ProcessFaultController>[4],
): Promise<Pick<FaultControllers, 'processes' | 'containers' | 'stress'>> {
  const allFaults = scenario.phases.flatMap((phase) => phase.faults);
  const processNames = allFaults.filter(isProcessFault).map((fault) => fault.process);
  const stressFaults = allFaults.filter(isStressFault);
  const clock = options.clock ?? systemClock;
  const lookUp = new ProcessFaultController(scenario.processes, options.owner, options.runId, clock, provided);
  const processes = processNames.length > 0 ? lookUp : undefined;
  await processes?.preflight(processNames);
  const longestPhaseSec = Math.max(...scenario.phases.map((phase) => phase.duration.ms / 1_000));
  const stress =
    stressFaults.length > 0
      ? new StressFaultController(
          options.owner,
          options.runId,
          clock,
          (name) => lookUp.resolve(name),
          Math.ceil(longestPhaseSec) + 60,
        )
      : undefined;
  await stress?.preflight([], stressFaults);
  return { processes, containers: await containerFaultsOf(scenario, options), stress };
}

/** The controller of the scenario's container faults, each container found on the engine first (none: undefined). */
async function containerFaultsOf(
  scenario: Scenario,
  options: InfrastructureOptions,
): Promise<ContainerFaultController | undefined> {
  const names = scenario.phases.flatMap((phase) => phase.faults.filter(isContainerFault).map((f) => f.container));
  if (names.length === 0) return undefined;
  const controller = new ContainerFaultController(
    scenario.containers,
    options.owner,
    options.runId,
    options.clock ?? systemClock,
  );
  await controller.preflight(names);
  return controller;
}

/**
 * Starts (or connects to) what the run needs, through the provider the
 * scenario calls for — the bundled stack, or the user's own service — then a
 * fault controller on its Toxiproxy and a look at its Prometheus. A
 * half-started set-up is stopped before the error is rethrown.
 */
export async function startRunInfrastructure(
  scenario: Scenario,
  options: InfrastructureOptions,
): Promise<StartedRunInfrastructure> {
  const cleanup = new CleanupStack();
  const context: ProviderContext = { ...options, cleanup, onMessage: options.onMessage ?? (() => undefined) };
  try {
    const provided = scenario.stack
      ? await provideBundledStack(scenario.stack, scenario, context)
      : await provideUserTarget(scenario, context);
    const toxiproxy = provided.toxiproxyUrl ? guardedToxiproxy(provided.toxiproxyUrl, options.http) : undefined;
    if (provided.toxiproxyUrl) await options.owner.guardToxiproxy(provided.toxiproxyUrl, options.http.policy);
    const network = toxiproxy ? new ToxiproxyFaultController(toxiproxy, options.runId, options.clock) : undefined;
    const allFaults = scenario.phases.flatMap((phase) => phase.faults);
    const proxyNames = allFaults.filter(isNetworkFault).map((fault) => fault.proxy);
    if (proxyNames.length > 0) {
      if (!network)
        throw new OrdealError('ORDEAL_ERR_TOXIPROXY', 'the scenario has faults but no Toxiproxy (set toxiproxy.url)');
      await network.preflight(proxyNames);
    }
    const faults = combineFaultControllers({
      network,
      ...(await hostFaultsOf(scenario, options, provided.processes)),
      clocks: provided.clocks
        ? new ClockSkewController(provided.clocks, options.runId, options.clock ?? systemClock, (name) =>
            provided.processes?.[name]?.(),
          )
        : undefined,
    });
    if (provided.prometheusUrl) await waitForPrometheus(options.http, provided.prometheusUrl);
    // The bundled stack is ordeal's own, on 127.0.0.1; the user's target is resolved and checked once more, and pinned.
    const { targetUrl } = provided;
    const targetField = options.overrides.targetUrl ? '--target' : 'target.baseUrl';
    const targetAddress = scenario.stack
      ? targetUrl.hostname
      : (await resolveAllowed(targetField, targetUrl.hostname, options.http.policy))[0]!.address;
    if (!scenario.stack) {
      await assertListening(targetField, targetAddress, Number(targetUrl.port || 80));
      if (toxiproxy) await assertUpstreamsListen(scenario, toxiproxy, options.http.policy);
    }
    return { targetUrl, targetAddress, faults, prometheusUrl: provided.prometheusUrl, stop: () => cleanup.run() };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}
