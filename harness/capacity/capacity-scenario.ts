import { OrdealError } from '../errors/ordeal-error.ts';
import { formatDurationMs } from '../notation/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { validateScenario } from '../scenario/validate-scenario.ts';
import { STEP_PHASE } from './capacity-step.ts';

/** One step of the search: how long it settles (not judged) and holds (judged), and the cool-down before it. */
export interface StepShape {
  settleMs: number;
  holdMs: number;
  /** A stretch at the start rate before the step (not judged), so one step's backlog is not the next one's. */
  cooldownMs: number;
  cooldownRate: number;
}

/** The phase whose SLOs the search holds the service to: the named one, or the scenario's highest-rate phase. */
export function capacityPhase(scenario: Scenario, name: string | undefined): Scenario['phases'][number] {
  const openPhases = scenario.phases.filter((p) => p.rate !== undefined);
  if (openPhases.length === 0)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `scenario "${scenario.name}" has no open-model phase (rate): a capacity search varies the arrival rate`,
    );
  if (name === undefined) return openPhases.reduce((a, b) => (peakRateOf(b) > peakRateOf(a) ? b : a));
  const phase = scenario.phases.find((p) => p.name === name);
  if (!phase)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--phase: "${name}" is not a phase of scenario "${scenario.name}" (its phases: ${scenario.phases.map((p) => p.name).join(', ')})`,
    );
  if (phase.rate === undefined)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--phase: "${name}" is a closed-model phase (vus); name a phase with a rate`,
    );
  return phase;
}

/** The planned peak of a phase: its rate, or a ramp's higher end. */
export function peakRateOf(phase: Scenario['phases'][number]): number {
  const rate = phase.rate;
  if (rate === undefined) return 0;
  return typeof rate === 'number' ? rate : Math.max(rate.from, rate.to);
}

const sloApplies = (phases: readonly string[] | undefined, name: string): boolean =>
  phases === undefined || phases.length === 0 || phases.includes('*') || phases.includes(name);

/**
 * The scenario one step runs: the chosen phase's requests and SLOs at `rate`, judged after the settle window; a
 * cool-down at the start rate before it; the scenario's guards and limits as they are; its checks (breakers,
 * alerts) left out — capacity is judged on the SLOs; faults held through the step when `heldFaults` names them.
 */
export function stepScenario(
  scenario: Scenario,
  phaseName: string,
  rate: number,
  shape: StepShape,
  heldFaults: readonly unknown[] = [],
): Scenario {
  // The validated scenario as input again (durations back to text): validated anew, so a mistake says its field.
  const raw = JSON.parse(JSON.stringify(scenario)) as Record<string, unknown> & {
    slos: { phases?: string[]; after?: string }[];
  };
  const duration = (ms: number): string => formatDurationMs(ms);
  const cool =
    shape.cooldownMs > 0
      ? [{ name: 'cooldown', duration: duration(shape.cooldownMs), rate: shape.cooldownRate, faults: heldFaults }]
      : [];
  raw.phases = [
    ...cool,
    { name: STEP_PHASE, duration: duration(shape.settleMs + shape.holdMs), rate, faults: heldFaults },
  ];
  raw.slos = raw.slos
    .filter((slo) => sloApplies(slo.phases, phaseName))
    .map((slo) => ({ ...slo, phases: [STEP_PHASE], after: duration(shape.settleMs) }));
  raw.checks = [];
  return validateScenario(raw, `the capacity step at ${rate} req/s`);
}
