import { z } from 'zod';
import { defineCheckKind } from './check-kind.ts';
import { graceAfter, kindName, phase, withGrace } from './check-fields.ts';
import type { CheckResult } from './check-result.ts';
import { graceText, inconclusive, judged, judgedFromMs, type ResilienceContext } from './resilience-context.ts';

const KIND = 'health';

const healthSchema = z.strictObject({
  kind: kindName(KIND, 'a health probe answers healthy throughout'),
  /** live, ready, startup (health.paths), or a probe named under health.probes. */
  probe: z
    .string()
    .min(1)
    .default('ready')
    .describe('"live", "ready", "startup" (health.paths), or a probe named under health.probes.'),
  phases: z.array(phase).optional().describe('The phases judged (default: all).'),
  /** Phases in which the probe may fail (e.g. a planned restart). */
  allowedPhases: z.array(phase).default([]).describe('Phases in which the probe may fail (e.g. a planned restart).'),
  /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
  after: graceAfter,
});
type HealthCheck = z.output<typeof healthSchema>;

/** The health probe answers OK in every sample of each phase, except in the allowed ones. */
export function evaluateHealth(check: HealthCheck, context: ResilienceContext): CheckResult[] {
  const phases = (check.phases ?? [...context.windows.keys()]).filter((p) => !check.allowedPhases.includes(p));
  const samples = context.signals.health.get(check.probe) ?? [];
  // Named for the path really probed (the scenario's health.paths), not the default.
  const path = samples[0]?.path ?? `the ${check.probe} probe`;
  return phases.map((phase) => {
    const base = {
      name: `health ${check.probe} stays OK`,
      phase,
      metric: KIND,
      expected: `${path} OK in every sample${graceText(check.after)}`,
    };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    const inPhase = samples.filter((s) => s.atMs >= judgedFromMs(window, check.after) && s.atMs <= window.endMs);
    if (inPhase.length === 0) return inconclusive(base, `no ${check.probe} probe sample during the phase`);
    const failed = inPhase.filter((s) => !s.ok).length;
    const first = inPhase.find((s) => !s.ok);
    return judged(
      base,
      failed === 0,
      failed,
      first
        ? `${failed} of ${inPhase.length} samples of ${path} failed (first: ${first.status === null ? 'no answer' : `HTTP ${first.status}${first.note ? `, ${first.note}` : ''}`} after ${Math.round(first.latencyMs)} ms)`
        : undefined,
    );
  });
}

export const healthKind = defineCheckKind({
  kind: KIND,
  schema: healthSchema,
  source: () => 'health',
  reads: () => [],
  probe: (check) => check.probe,
  issues: (check, scene) =>
    scene.probes.includes(check.probe)
      ? []
      : [
          {
            path: ['probe'],
            input: check.probe,
            message: `names no probe (probes are: ${scene.probes.join(', ')}; add it under health.probes)`,
          },
        ],
  describe: (check, scene) =>
    withGrace(
      check.after,
      `${check.probe} probe ${scene.describeProbe(check.probe)}${check.allowedPhases.length ? ` (may fail in ${check.allowedPhases.join(', ')})` : ''}`,
    ),
  observedUnit: () => 'failed samples',
  evaluate: evaluateHealth,
});
