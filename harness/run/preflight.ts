import { systemClock } from '../clock/clock.ts';
import { ContainerFaultController } from '../faults/container-fault-controller.ts';
import { ProcessFaultController } from '../faults/process-fault-controller.ts';
import { NOBODY } from '../lifecycle/resource-owner.ts';
import {
  describeFault,
  isClockFault,
  isContainerFault,
  isProcessFault,
  isStressFault,
} from '../scenario/fault-schema.ts';
import { libfaketimePath } from '../process/faketime.ts';
import { StressFaultController } from '../faults/stress-fault-controller.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { guardedToxiproxy } from '../toxiproxy/guarded-toxiproxy.ts';
import { scenarioNeedsPrometheus } from '../scenario/scenario-needs.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { assertPrometheusAnswers } from '../signals/prometheus-signals.ts';
import { resolveAllowed, type NetworkPolicy } from '../net/network-policy.ts';
import { assertListening } from '../net/tcp-probe.ts';
import { assertFaultProxiesExist } from '../faults/fault-proxies.ts';
import { assertNamesFound, lookUpNames } from '../signals/name-lookup.ts';
import { assertUpstreamsListen, checkAddresses, checkResolvedAddresses } from './run-infrastructure.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';

/**
 * The dry run's look at the infrastructure a scenario names: the addresses are
 * allowed, something listens at the target and behind each faulted proxy, a
 * given Toxiproxy has the proxies the faults name, and a given Prometheus
 * answers. Sends no load and no fault; returns one line per finding, throws
 * when something is wrong (exit 2 for the scenario's mistakes, 3 for what is down).
 */
/** The addresses a scenario names are allowed (names resolved): checked before the plan is printed, so a bad one is the first thing said. */
export async function checkPlanAddresses(scenario: Scenario, overrides: RunOverrides): Promise<void> {
  checkAddresses(scenario, overrides);
  await checkResolvedAddresses(scenario, overrides, policyOf(scenario, overrides));
}

const policyOf = (scenario: Scenario, overrides: RunOverrides): NetworkPolicy => ({
  allowlist: scenario.target.allowlist,
  allowNonLoopback: overrides.allowNonLoopback === true,
});

/** Each process a pause or kill names, resolved to its pid now and checked against the rules (exit 2 if it breaks one). */
async function resolvedProcesses(scenario: Scenario): Promise<string[]> {
  const named = new Set(scenario.phases.flatMap((phase) => phase.faults.filter(isProcessFault).map((f) => f.process)));
  if (named.size === 0) return [];
  const controller = new ProcessFaultController(scenario.processes, NOBODY, 'plan', systemClock);
  const lines: string[] = [];
  for (const name of named) {
    if (scenario.stack && !scenario.processes.some((p) => p.name === name)) {
      lines.push(`process ${name}: the bundled stack's, started by the run (under its supervisor)`);
      continue;
    }
    const identity = await controller.resolve(name);
    lines.push(`process ${name}: pid ${identity.pid} (${identity.command}); looked up again as each fault starts`);
  }
  return lines;
}

/** stress-ng is there, each process a cpu_stress stands beside resolves, no memory_stress asks too much (else exit 2). */
async function checkedStress(scenario: Scenario): Promise<string[]> {
  const faults = scenario.phases.flatMap((phase) =>
    phase.faults.filter(isStressFault).map((fault) => ({ phase, fault })),
  );
  if (faults.length === 0) return [];
  const lookUp = new ProcessFaultController(scenario.processes, NOBODY, 'plan', systemClock);
  const stress = new StressFaultController(NOBODY, 'plan', systemClock, (name) => lookUp.resolve(name), 60);
  // The bundled stack's processes exist only once a run starts them: those are looked up as the fault starts.
  const checkable = faults.filter(({ fault }) => !(scenario.stack && 'process' in fault && fault.process));
  await stress.preflight(
    [],
    checkable.map(({ fault }) => fault),
  );
  return faults.map(
    ({ phase, fault }) =>
      `phase ${phase.name}: ${describeFault(fault)} (${fault.kind === 'disk_fill' ? "a file of ordeal's, deleted" : 'stress-ng, stopped'} at the phase's end)`,
  );
}

/** The processes a clock_skew names, started under libfaketime by the run (exit 2 when libfaketime is missing). */
function skewableClocks(scenario: Scenario): string[] {
  const named = new Set(scenario.phases.flatMap((phase) => phase.faults.filter(isClockFault).map((f) => f.process)));
  if (named.size === 0) return [];
  const library = libfaketimePath();
  return [...named].map(
    (name) => `clock of ${name}: started by the run under libfaketime (${library}); only its wall clock moves`,
  );
}

/** Each container a container_* fault names, found on the engine now (exit 2 if one names none or many). */
async function resolvedContainers(scenario: Scenario): Promise<string[]> {
  const named = new Set(
    scenario.phases.flatMap((phase) => phase.faults.filter(isContainerFault).map((f) => f.container)),
  );
  if (named.size === 0) return [];
  const controller = new ContainerFaultController(scenario.containers, NOBODY, 'plan', systemClock);
  const lines: string[] = [];
  for (const name of named) {
    const { id, name: dockerName, image } = await controller.resolve(name);
    lines.push(
      `container ${name}: ${dockerName} (${id.slice(0, 12)}, image ${image}); looked up again as each fault starts`,
    );
  }
  return lines;
}

export async function preflight(scenario: Scenario, overrides: RunOverrides = {}): Promise<string[]> {
  await checkPlanAddresses(scenario, overrides);
  const http = new GuardedHttp(policyOf(scenario, overrides));
  try {
    return await lookAtInfrastructure(scenario, overrides, http);
  } finally {
    await http.close();
  }
}

async function lookAtInfrastructure(scenario: Scenario, overrides: RunOverrides, http: GuardedHttp): Promise<string[]> {
  const lines: string[] = [];
  if (scenario.stack)
    lines.push(
      'bundled stack: started by `ordeal run` on free loopback ports (with its own Toxiproxy and, for signal checks, Prometheus)',
    );
  else {
    // Something must listen where the load will go (a TCP handshake, no request).
    const field = overrides.targetUrl ? '--target' : 'target.baseUrl';
    const target = new URL(overrides.targetUrl ?? scenario.target.baseUrl!);
    const [address] = await resolveAllowed(field, target.hostname, http.policy);
    await assertListening(field, address!.address, Number(target.port || 80));
    lines.push(`target at ${target.origin}: something listens (${address!.address})`);
  }
  const toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) {
    const toxiproxy = guardedToxiproxy(toxiproxyUrl, http);
    const proxies = await toxiproxy.getAll().catch((cause: Error) => {
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `Toxiproxy at ${redactUrl(toxiproxyUrl)} does not answer: ${cause.message} (start toxiproxy-server, or fix toxiproxy.url)`,
        { cause },
      );
    });
    lines.push(
      `toxiproxy at ${redactUrl(toxiproxyUrl)}: answers (proxies: ${Object.keys(proxies).join(', ') || 'none'})`,
    );
    await assertFaultProxiesExist(scenario, Object.keys(proxies), redactUrl(toxiproxyUrl));
    if (!scenario.stack) await assertUpstreamsListen(scenario, toxiproxy, http.policy);
  }
  lines.push(
    ...(await resolvedProcesses(scenario)),
    ...(await resolvedContainers(scenario)),
    ...(await checkedStress(scenario)),
    ...skewableClocks(scenario),
  );
  const prometheusUrl = overrides.prometheusUrl ?? scenario.prometheus?.url;
  if (prometheusUrl && scenarioNeedsPrometheus(scenario)) {
    await assertPrometheusAnswers({ http, url: prometheusUrl }).catch((cause: Error) => {
      throw new OrdealError(
        'ORDEAL_ERR_PROMETHEUS',
        `Prometheus at ${redactUrl(prometheusUrl)} does not answer: ${cause.message} (start Prometheus, or fix prometheus.url)`,
        { cause },
      );
    });
    lines.push(`prometheus at ${redactUrl(prometheusUrl)}: answers`);
  }
  if (!scenario.stack)
    lines.push(
      ...(await namesFound(
        scenario,
        overrides,
        http,
        prometheusUrl && scenarioNeedsPrometheus(scenario) ? prometheusUrl : undefined,
      )),
    );
  return lines;
}

/** Every name the scenario uses, looked up in the live system: a name it does not have is exit 2, with what it has. */
async function namesFound(
  scenario: Scenario,
  overrides: RunOverrides,
  http: GuardedHttp,
  prometheusUrl: string | undefined,
): Promise<string[]> {
  const targetUrl = new URL(overrides.targetUrl ?? scenario.target.baseUrl!);
  const found = await lookUpNames(scenario, {
    http,
    targetUrl,
    ...(prometheusUrl ? { prometheus: { http, url: prometheusUrl } } : {}),
  });
  assertNamesFound(found);
  return [...found.findings, ...found.warnings.map((w) => `warning: ${w}`)];
}
