import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { graceText, inconclusive, judged, judgedFromMs, type ResilienceContext } from './resilience-context.ts';

type HealthCheck = Extract<ResilienceCheck, { kind: 'health' }>;

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
      metric: 'health' as const,
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
