import { createRequire } from 'node:module';
import { OrdealError } from '../../errors/ordeal-error.ts';
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { scenarioNeedsPrometheus } from '../../scenario/scenario-needs.ts';
import { releaseOwnedProxies, sweepBeforeRun } from '../../faults/stale-fault-sweeper.ts';
import { startOwnedToxiproxy } from '../owned-toxiproxy.ts';
import type { ProvidedTarget, ProviderContext } from '../provided-target.ts';
import { DOWNSTREAMS, startBundledStack } from './bundled-stack.ts';
import { SkewableClocks } from '../../process/faketime.ts';
import { isClockFault } from '../../scenario/fault-schema.ts';
import { startStackPrometheus } from './stack-prometheus.ts';

/** The demo gateway's breaker is opossum, an optional dependency of ordeal: said before anything starts, not as a service's crash. */
function assertStackDependencies(): void {
  try {
    createRequire(import.meta.url).resolve('opossum');
  } catch {
    throw new OrdealError(
      'ORDEAL_ERR_STACK',
      "the bundled stack needs opossum (its gateway's circuit breaker), an optional peer dependency ordeal does not install: npm install opossum, or point the scenario at your own service (target.baseUrl)",
    );
  }
}

/**
 * The bundled trading stack as a target: the one place in the harness that
 * knows the demo exists (its services under fixtures/, its alert rules). It
 * starts the stack (with its own Toxiproxy, or the given one), and a
 * Prometheus scraping it with its alert rules when the checks need signals.
 */
export async function provideBundledStack(
  stack: NonNullable<Scenario['stack']>,
  scenario: Scenario,
  context: ProviderContext,
): Promise<ProvidedTarget> {
  const { overrides } = context;
  assertStackDependencies();
  context.onMessage(
    `starting the bundled trading stack${stack.breaker ? '' : ' (breaker disabled)'}${stack.failover ? '' : ' (failover disabled)'}`,
  );
  let toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) {
    // Faults and proxies a dead run left go first (a rerun after a crash creates its proxies again).
    await sweepBeforeRun(context.http, toxiproxyUrl, context.runId, context.onMessage);
    const url = toxiproxyUrl;
    context.cleanup.push('the proxies ordeal created', async () => {
      for (const change of await releaseOwnedProxies(context.http, url, context.runId)) context.onMessage(change);
    });
  } else if (overrides.toxiproxyProvider && overrides.toxiproxyProvider !== 'binary')
    toxiproxyUrl = await startOwnedToxiproxy(context);
  const clocks = await skewableClocksOf(scenario, context);
  const started = await startBundledStack({
    envOf: (service) => clocks?.envs.get(service),
    onProcessStarted: (pid) => context.owner.ownProcess(pid),
    onWarning: context.onMessage,
    toxiproxyUrl,
    ...(toxiproxyUrl ? { ownerRunId: context.runId } : {}),
    breaker: stack.breaker,
    failover: stack.failover,
  });
  context.cleanup.push('the bundled stack', () => started.stop());
  started.pids().forEach((pid) => context.owner.ownProcess(pid));
  context.http.trustOwnServer(started.gatewayUrl);
  context.http.trustOwnServer(started.toxiproxyUrl);
  let prometheusUrl = scenarioNeedsPrometheus(scenario)
    ? (overrides.prometheusUrl ?? scenario.prometheus?.url)
    : undefined;
  if (scenarioNeedsPrometheus(scenario) && !prometheusUrl) {
    context.onMessage('starting Prometheus (scraping the stack every second, with its alert rules)');
    const prometheus = await startStackPrometheus(started, {}, (pid) => context.owner.ownProcess(pid));
    context.cleanup.push('Prometheus', () => prometheus.stop());
    context.http.trustOwnServer(prometheus.url);
    prometheusUrl = prometheus.url;
  }
  // Its services, by name, for pause and kill faults (each looked up as the fault starts: a killed one comes back).
  const processes = Object.fromEntries(started.services.map((service) => [service.name, () => service.pid]));
  return {
    targetUrl: new URL(started.gatewayUrl),
    toxiproxyUrl: toxiproxyUrl ?? started.toxiproxyUrl,
    prometheusUrl,
    processes,
    ...(clocks ? { clocks: clocks.clocks } : {}),
  };
}

/**
 * The services a clock_skew fault names, started under libfaketime (each with its offset file, at 0 until the
 * fault): none when no phase skews a clock. Their files go with the run (the services stop before them).
 */
async function skewableClocksOf(
  scenario: Scenario,
  context: ProviderContext,
): Promise<{ clocks: SkewableClocks; envs: Map<string, NodeJS.ProcessEnv> } | undefined> {
  const skewed = new Set(scenario.phases.flatMap((phase) => phase.faults.filter(isClockFault).map((f) => f.process)));
  if (skewed.size === 0) return undefined;
  const unknown = [...skewed].filter(
    (name) => name !== 'gateway' && !(DOWNSTREAMS as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `clock_skew names "${unknown[0]}", which the bundled stack does not start (it starts: gateway, ${DOWNSTREAMS.join(', ')})`,
    );
  const clocks = await SkewableClocks.create(context.runId);
  context.cleanup.push('the clock offset files', () => clocks.remove());
  const envs = new Map<string, NodeJS.ProcessEnv>();
  for (const name of skewed) envs.set(name, await clocks.envFor(name));
  return { clocks, envs };
}
