import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { inconclusive, judged, type ResilienceContext } from './resilience-context.ts';

type HealthCheck = Extract<ResilienceCheck, { kind: 'health' }>;

/** The health probe answers OK in every sample of each phase, except in the allowed ones. */
export function evaluateHealth(check: HealthCheck, context: ResilienceContext): CheckResult[] {
  const phases = (check.phases ?? [...context.windows.keys()]).filter((p) => !check.allowedPhases.includes(p));
  const samples = context.signals.health.get(check.probe) ?? [];
  return phases.map((phase) => {
    const base = { name: `health ${check.probe} stays OK`, phase, metric: 'health' as const, expected: `/health/${check.probe} OK in every sample` };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    const inPhase = samples.filter((s) => s.atMs >= window.startMs && s.atMs <= window.endMs);
    if (inPhase.length === 0) return inconclusive(base, `no ${check.probe} probe sample during the phase`);
    const failed = inPhase.filter((s) => !s.ok).length;
    return judged(base, failed === 0, failed, failed ? `${failed} of ${inPhase.length} samples failed` : undefined);
  });
}
