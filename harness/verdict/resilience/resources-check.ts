import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { DEFAULT_QUERIES } from './default-queries.ts';
import { inconclusive, judged, seriesPoints, type ResilienceContext } from './resilience-context.ts';

type ResourcesCheck = Extract<ResilienceCheck, { kind: 'resources' }>;

export const cpuQuery = (check: ResourcesCheck): string => check.cpuQuery ?? DEFAULT_QUERIES.cpuPercent;
export const memoryQuery = (check: ResourcesCheck): string => check.memoryQuery ?? DEFAULT_QUERIES.memoryPercent;

/** The target's average CPU and memory (percent of its budget) stay under the published limits in each phase. */
export function evaluateResources(check: ResourcesCheck, context: ResilienceContext): CheckResult[] {
  const limits = [
    { resource: 'cpu', query: cpuQuery(check), below: check.cpuPercentBelow },
    { resource: 'memory', query: memoryQuery(check), below: check.memoryPercentBelow },
  ];
  return check.phases.flatMap((phase) =>
    limits.map(({ resource, query, below }) => {
      const base = { name: `${resource} average < ${below}%`, phase, metric: 'resources' as const, expected: `average ${resource} < ${below}%` };
      const window = context.windows.get(phase);
      if (!window) return inconclusive(base, 'the phase did not run');
      const points = seriesPoints(context.signals.series.get(query), query);
      if (typeof points === 'string') return inconclusive(base, points);
      const inPhase = points.filter((p) => p.atMs >= window.startMs && p.atMs <= window.endMs);
      if (inPhase.length === 0) return inconclusive(base, `no ${resource} data during the phase`);
      const average = inPhase.reduce((sum, p) => sum + p.value, 0) / inPhase.length;
      return judged(base, average < below, Math.round(average * 10) / 10);
    }),
  );
}
