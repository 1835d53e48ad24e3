import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { readsOf } from '../../scenario/check-reads.ts';
import { inconclusive, judged, seriesPoints, type ResilienceContext } from './resilience-context.ts';

type ResourcesCheck = Extract<ResilienceCheck, { kind: 'resources' }>;

/** The target's average CPU and memory (percent of its budget) stay under the published limits in each phase. */
export function evaluateResources(check: ResourcesCheck, context: ResilienceContext): CheckResult[] {
  const reads = readsOf(check);
  const limits = [
    { resource: 'cpu', read: reads.find((r) => r.role === 'CPU %'), below: check.cpuPercentBelow },
    { resource: 'memory', read: reads.find((r) => r.role === 'memory %'), below: check.memoryPercentBelow },
  ];
  return check.phases.flatMap((phase) =>
    limits.map(({ resource, read, below }) => {
      const base = {
        name: `${resource} average < ${below}%`,
        phase,
        metric: 'resources' as const,
        expected: `average ${resource} < ${below}%`,
      };
      const window = context.windows.get(phase);
      if (!window) return inconclusive(base, 'the phase did not run');
      const points = read
        ? seriesPoints(context.signals.series.get(read.key), read.text)
        : `the check names no ${resource} query`;
      if (typeof points === 'string') return inconclusive(base, points);
      const inPhase = points.filter((p) => p.atMs >= window.startMs && p.atMs <= window.endMs);
      if (inPhase.length === 0) return inconclusive(base, `no ${resource} data during the phase`);
      const average = inPhase.reduce((sum, p) => sum + p.value, 0) / inPhase.length;
      return judged(base, average < below, Math.round(average * 10) / 10);
    }),
  );
}
