import { faultTargetOf } from './fault-schema.ts';
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
        warnings.push(
          `slos[${sloIndex}].http_req_duration[${index}]: "${source}" asks for under ${threshold.value} ms; latencies are in milliseconds (did you mean "${source.replace(/[\d.]+$/, String(threshold.value * 1_000))}"?)`,
        );
      }
    }),
  );
  warnings.push(...backToBackFaultWarnings(scenario));
  return warnings;
}

/**
 * Two phases back to back that fault the same proxy, with a check that times
 * a reaction to the second: the state the first left (a breaker open, a backup
 * serving, an alert firing) is still there when the second begins. Said so
 * the reader knows how it is judged.
 */
function backToBackFaultWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  scenario.phases.forEach((phase, index) => {
    const previous = scenario.phases[index - 1];
    if (!previous) return;
    const shared = (phase.faults ?? [])
      .map((f) => faultTargetOf(f))
      .filter((target) => (previous.faults ?? []).some((f) => faultTargetOf(f) === target));
    const checked = scenario.checks.filter((c) => 'phase' in c && c.phase === phase.name);
    if (shared.length === 0 || checked.length === 0) return;
    warnings.push(
      `phases ${previous.name} and ${phase.name} fault ${[...new Set(shared)].join(', ')} back to back: in ${phase.name}, a failover is judged as a continuation (the backup must keep serving; the return is timed after the last of them), and a breaker, alert or scale-up already in place when it begins is inconclusive — put a fault-free phase between them to time each reaction on its own`,
    );
  });
  return warnings;
}
