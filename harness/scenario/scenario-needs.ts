import { isNetworkFault } from './fault-schema.ts';
import { needsPrometheus } from '../checks/check-registry.ts';
import type { Scenario } from './scenario-schema.ts';

/** A check or a guard reads the service's signals from Prometheus. */
export function scenarioNeedsPrometheus(scenario: Scenario): boolean {
  return scenario.checks.some(needsPrometheus) || scenario.guards.some((guard) => guard.promql !== undefined);
}

/** Some phase applies a fault (so the run needs a watchdog, and a watch on its faults). */
export function scenarioUsesFaults(scenario: Scenario): boolean {
  return scenario.phases.some((phase) => phase.faults.length > 0);
}

/** Some phase applies a fault through Toxiproxy (so the run needs one). */
export function scenarioUsesNetworkFaults(scenario: Scenario): boolean {
  return scenario.phases.some((phase) => phase.faults.some(isNetworkFault));
}
