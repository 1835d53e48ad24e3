import type { Scenario } from '../../harness/scenario/scenario-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

/**
 * The scenario most tests start from, written once: `GET /` against `baseUrl`, everything else (phases, load,
 * SLOs, checks) given, validated. A test that is not about the generator says so in its `load` with
 * notAboutTheGenerator().
 */
export function scenarioAt(baseUrl: string, extra: Record<string, unknown>, name = 'test'): Scenario {
  return validateScenario({ name, target: { baseUrl }, requests: [{ path: '/' }], ...extra });
}
