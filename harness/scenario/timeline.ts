import { effectivePhaseMs } from '../notation/duration.ts';
import type { Fault } from './fault-schema.ts';
import type { Scenario } from './scenario-schema.ts';
import { sloEntries, type SloMetric } from './slo-keys.ts';
import { parseThreshold, type Threshold } from './threshold.ts';

export interface PlannedPhase {
  index: number;
  name: string;
  startOffsetMs: number;
  durationMs: number;
  fromRatePerSec: number;
  toRatePerSec: number;
  /** Closed model only. */
  vus?: number;
  faults: Fault[];
}

export interface PlannedCheck {
  phase: string;
  metric: SloMetric;
  threshold: Threshold;
  /** Judged from the phase's start + this grace (slo.after), not scaled by timeScale. */
  afterMs?: number;
  /** Only this step's (flow's, named request's) requests: "http_req_duration{name:login}". */
  step?: string;
}

export interface Timeline {
  phases: PlannedPhase[];
  checks: PlannedCheck[];
  totalDurationMs: number;
}

/** Target rate at `offsetMs` into a phase (linear for ramps). */
export function targetRateAt(phase: PlannedPhase, offsetMs: number): number {
  const progress = phase.durationMs === 0 ? 1 : Math.min(1, Math.max(0, offsetMs / phase.durationMs));
  return phase.fromRatePerSec + (phase.toRatePerSec - phase.fromRatePerSec) * progress;
}

export function meanTargetRate(phase: PlannedPhase): number {
  return (phase.fromRatePerSec + phase.toRatePerSec) / 2;
}

/**
 * Turns a validated scenario into absolute phase offsets and one check per
 * threshold per phase. `timeScale` compresses every phase (smoke runs).
 */
export function buildTimeline(scenario: Scenario, timeScale = 1): Timeline {
  let offsetMs = 0;
  const phases = scenario.phases.map((phase, index): PlannedPhase => {
    const durationMs = effectivePhaseMs(phase.duration.ms * timeScale);
    const rate =
      phase.rate === undefined
        ? { from: 0, to: 0 }
        : typeof phase.rate === 'number'
          ? { from: phase.rate, to: phase.rate }
          : phase.rate;
    const vus = scenario.load.model === 'closed' ? (phase.vus ?? scenario.load.connections) : undefined;
    const planned = {
      index,
      name: phase.name,
      startOffsetMs: offsetMs,
      durationMs,
      fromRatePerSec: rate.from,
      toRatePerSec: rate.to,
      vus,
      faults: phase.faults,
    };
    offsetMs += durationMs;
    return planned;
  });
  const checks: PlannedCheck[] = [];
  for (const slo of scenario.slos) {
    const selected = !slo.phases || slo.phases.includes('*') ? phases.map((p) => p.name) : slo.phases;
    const afterMs = slo.after?.ms;
    for (const phaseName of selected) {
      for (const { metric, step, sources } of sloEntries(slo).entries) {
        for (const source of sources) {
          const threshold = parseThreshold(source);
          if (threshold)
            checks.push({
              phase: phaseName,
              metric,
              threshold,
              ...(afterMs ? { afterMs } : {}),
              ...(step !== undefined ? { step } : {}),
            });
        }
      }
    }
  }
  return { phases, checks, totalDurationMs: offsetMs };
}
