import type { StartedBundledStack } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { withBundledReads } from '../../harness/providers/bundled-stack/bundled-check-reads.ts';
import type { ScenarioInput } from '../../harness/scenario/scenario-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

/**
 * A bundled scenario pointed at a stack the test started itself, so the test can look inside afterwards.
 * Its checks read the stack's metrics as the bundled provider would fill them in.
 */
export function againstStack(scenario: ScenarioInput, stack: StartedBundledStack, extra: Partial<ScenarioInput> = {}) {
  const { stack: _bundled, ...rest } = scenario;
  return validateScenario({
    ...rest,
    checks: rest.checks?.map(withBundledReads),
    target: { baseUrl: stack.gatewayUrl },
    toxiproxy: { url: stack.toxiproxyUrl },
    ...extra,
  });
}

export async function gatewayMetric(stack: StartedBundledStack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}
