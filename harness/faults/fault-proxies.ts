import { OrdealError } from '../errors/ordeal-error.ts';
import { isNetworkFault } from '../scenario/fault-schema.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

/**
 * Every fault names a proxy the Toxiproxy at `where` has (`existing`): one it
 * does not have is a mistake in the scenario (exit 2, nothing sent), named by
 * its path, with what the Toxiproxy has and what to do.
 */
export async function assertFaultProxiesExist(
  scenario: Scenario,
  existing: readonly string[],
  where: string,
): Promise<void> {
  const declared = new Set((scenario.toxiproxy?.proxies ?? []).map((p) => p.name));
  const missing: string[] = [];
  scenario.phases.forEach((phase, phaseIndex) =>
    phase.faults.forEach((fault, faultIndex) => {
      if (!isNetworkFault(fault)) return;
      if (!existing.includes(fault.proxy) && !declared.has(fault.proxy))
        missing.push(`phases[${phaseIndex}].faults[${faultIndex}].proxy: "${fault.proxy}"`);
    }),
  );
  if (missing.length > 0) {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${missing.join(', ')} is neither declared in toxiproxy.proxies nor a proxy of the Toxiproxy at ${where} (it has: ${existing.join(', ') || 'none'}); declare it: toxiproxy.proxies: [{ name, listen, upstream }]`,
    );
  }
}

/**
 * Without a Toxiproxy of the user's (ordeal starts its own, empty), every
 * proxy a fault names must be declared in toxiproxy.proxies: caught before
 * anything starts (exit 2). The bundled stack brings its own proxies.
 */
export function assertFaultProxiesDeclared(scenario: Scenario, overrides: RunOverrides): void {
  if (scenario.stack || overrides.toxiproxyUrl || scenario.toxiproxy?.url) return;
  const declared = new Set((scenario.toxiproxy?.proxies ?? []).map((p) => p.name));
  const missing: string[] = [];
  scenario.phases.forEach((phase, phaseIndex) =>
    phase.faults.forEach((fault, faultIndex) => {
      if (isNetworkFault(fault) && !declared.has(fault.proxy))
        missing.push(`phases[${phaseIndex}].faults[${faultIndex}].proxy: "${fault.proxy}"`);
    }),
  );
  if (missing.length > 0) {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${missing.join(', ')} is not declared in toxiproxy.proxies (declared: ${[...declared].join(', ') || 'none'}); ordeal starts its own Toxiproxy and needs to know where each proxy listens and forwards: toxiproxy.proxies: [{ name: "api", listen: "127.0.0.1:18080", upstream: "127.0.0.1:8080" }], or give toxiproxy.url`,
    );
  }
}
