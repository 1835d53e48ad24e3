import type { Scenario } from './scenario-schema.ts';
import { parseThreshold } from './threshold.ts';

/**
 * What is valid but probably not meant, said before any load (by `plan`, and
 * as warnings at the start of `run`): a latency threshold under 1 ms looks
 * like seconds written where milliseconds are meant. Pure.
 */
export function scenarioWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  scenario.slos.forEach((slo, sloIndex) =>
    (slo.http_req_duration ?? []).forEach((source, index) => {
      const threshold = parseThreshold(source);
      if (threshold && threshold.value < 1 && (threshold.operator === '<' || threshold.operator === '<=')) {
        warnings.push(`slos[${sloIndex}].http_req_duration[${index}]: "${source}" asks for under ${threshold.value} ms; latencies are in milliseconds (did you mean "${source.replace(/[\d.]+$/, String(threshold.value * 1_000))}"?)`);
      }
    }),
  );
  return warnings;
}
