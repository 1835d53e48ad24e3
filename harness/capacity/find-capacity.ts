import { OrdealError } from '../errors/ordeal-error.ts';
import { buildReport } from '../report/build-report.ts';
import { recordRun, type RunOptions } from '../run/run-scenario.ts';
import { statsAfterGrace } from '../verdict/judge-run.ts';
import { describeFault, type Fault } from '../scenario/fault-schema.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { validateScenario } from '../scenario/validate-scenario.ts';
import { kneeOf, limitedByOf, type CapacityReport } from './capacity-report.ts';
import { capacityPhase, peakRateOf, stepScenario } from './capacity-scenario.ts';
import { searchCapacity, type SearchStep } from './capacity-search.ts';
import { classifyStep, STEP_PHASE } from './capacity-step.ts';

export interface CapacityOptions {
  /** The phase whose SLOs must hold (default: the highest-rate open-model phase). */
  phase?: string;
  /** The first rate tried (default: half the phase's planned peak). */
  startRate?: number;
  /** Never above this (default, and at most: limits.maxRatePerSec). */
  maxRate?: number;
  /** Each step: not judged for this long, then judged for `holdMs`. */
  settleMs?: number;
  holdMs?: number;
  /** Between steps, this long at the start rate (not judged). */
  cooldownMs?: number;
  /** The whole search stops before a step that would end past this. */
  budgetMs?: number;
  /** Bisect until the first failing rate is within this share of the last that held (default 0.05; 0.005–0.5). */
  precision?: number;
  /** The headroom over the planned peak a CI gate asks for (e.g. 1.5). */
  requireHeadroom?: number;
  /** N−1: hold the faults of this phase of the scenario through every step (a dependency slow or down). */
  faultsOf?: string;
  /** Told of each step as it ends. */
  onStep?: (step: SearchStep) => void;
  /** How each step runs (the allowlist's confirmation, a clock for tests). */
  run?: Omit<RunOptions, 'reportDir' | 'runId'>;
}

export const CAPACITY_DEFAULTS = {
  settleMs: 5_000,
  holdMs: 10_000,
  cooldownMs: 5_000,
  budgetMs: 30 * 60_000,
  growth: 1.5,
  precision: 0.05,
} as const;

/** The faults a phase holds, for N−1: that phase must exist and hold at least one. */
export function heldFaultsOf(scenario: Scenario, phaseName: string | undefined): Fault[] {
  if (phaseName === undefined) return [];
  const phase = scenario.phases.find((p) => p.name === phaseName);
  if (!phase || phase.faults.length === 0)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--n-minus-1: "${phaseName}" is not a phase of scenario "${scenario.name}" that holds a fault (phases with faults: ${
        scenario.phases
          .filter((p) => p.faults.length > 0)
          .map((p) => p.name)
          .join(', ') || 'none'
      })`,
    );
  return phase.faults;
}

/** A judged hold shorter than this may hold no whole second to judge. */
const MIN_HOLD_MS = 2_000;
/** What a step costs beyond its phases: the warm-up and the run's own start and end. */
const STEP_OVERHEAD_MS = 3_000;

/**
 * `ordeal capacity` from the library: steps of the scenario's chosen phase at rising rates, each a run of its own,
 * searched for the highest rate every SLO of that phase holds at (capacity-search.ts).
 */
export async function findCapacity(input: Scenario | unknown, options: CapacityOptions = {}): Promise<CapacityReport> {
  const scenario = validateScenario(input);
  const phase = capacityPhase(scenario, options.phase);
  const held = heldFaultsOf(scenario, options.faultsOf);
  const peak = peakRateOf(phase);
  const settleMs = options.settleMs ?? CAPACITY_DEFAULTS.settleMs;
  const holdMs = options.holdMs ?? CAPACITY_DEFAULTS.holdMs;
  const cooldownMs = options.cooldownMs ?? CAPACITY_DEFAULTS.cooldownMs;
  const budgetMs = options.budgetMs ?? CAPACITY_DEFAULTS.budgetMs;
  if (holdMs < MIN_HOLD_MS)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--hold: ${holdMs} ms is too short to judge (the judged window starts at the first whole second after the settle): use at least 2s`,
    );
  const precision = options.precision ?? CAPACITY_DEFAULTS.precision;
  if (!(precision >= 0.005 && precision <= 0.5))
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--precision: ${precision} is outside 0.005–0.5 (a share of the rate: 0.05 bisects until the two rates are within 5 %)`,
    );
  const startRate = options.startRate ?? Math.max(1, peak / 2);
  const maxRate = Math.min(options.maxRate ?? Infinity, scenario.limits.maxRatePerSec);
  const stepMs = cooldownMs + settleMs + holdMs + STEP_OVERHEAD_MS;
  const startedAtMs = Date.now();
  const startedAt = performance.now();
  let first = true;
  const result = await searchCapacity(
    async (rate) => {
      const shape = { settleMs, holdMs, cooldownMs: first ? 0 : cooldownMs, cooldownRate: startRate };
      first = false;
      // Recorded, then reported as a run would be: the step's figures are read over its judged hold only.
      const recorded = await recordRun(stepScenario(scenario, phase.name, rate, shape, held), options.run ?? {});
      const stats = statsAfterGrace(recorded, STEP_PHASE, settleMs);
      return classifyStep(buildReport(recorded), rate, { stats, maxSendLagMs: scenario.load.maxSendLag.ms });
    },
    {
      startRate,
      maxRate,
      growth: CAPACITY_DEFAULTS.growth,
      precision,
      maxSteps: Math.max(3, Math.floor(budgetMs / stepMs)),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    },
  );
  const headroom = result.heldRate !== null && peak > 0 ? Math.round((result.heldRate / peak) * 100) / 100 : null;
  return {
    schemaVersion: 1,
    scenario: scenario.name,
    phase: phase.name,
    plannedPeakRate: peak,
    ...(options.faultsOf !== undefined
      ? { heldFaults: { phase: options.faultsOf, faults: held.map((f) => describeFault(f)) } }
      : {}),
    heldRate: result.heldRate,
    confirmed: result.confirmed,
    firstFailing: result.firstFailing
      ? { rate: result.firstFailing.rate, kind: result.firstFailing.kind, reason: result.firstFailing.reason }
      : null,
    generatorLimit: result.generatorLimit,
    headroom,
    requiredHeadroom: options.requireHeadroom ?? null,
    kneeRate: kneeOf(result.steps),
    limitedBy: limitedByOf(result),
    stoppedBecause: result.stoppedBecause,
    steps: result.steps,
    startedAt: new Date(startedAtMs).toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
  };
}
