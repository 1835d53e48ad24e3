import { z } from 'zod';
import { defineCheckKind, type MissingRead } from './check-kind.ts';
import { kindName, phase, query } from './check-fields.ts';
import type { CheckResult } from './check-result.ts';
import { seriesRead, type SeriesRead } from './series-reads.ts';
import { inconclusive, judged, seriesPoints, type ResilienceContext } from './resilience-context.ts';

const KIND = 'resources';

const resourcesSchema = z.strictObject({
  kind: kindName(KIND, 'CPU and memory stay under budget'),
  phases: z.array(phase).min(1).describe('The phases judged.'),
  cpuPercentBelow: z.number().positive().max(100).default(70).describe('Average CPU must stay below this, in %.'),
  memoryPercentBelow: z.number().positive().max(100).default(80).describe('Average memory must stay below this, in %.'),
  cpuQuery: query.describe('PromQL of CPU use in % (0–100).'),
  memoryQuery: query.describe('PromQL of memory use in % (0–100).'),
});
type ResourcesCheck = z.output<typeof resourcesSchema>;

const resourceReads = (check: ResourcesCheck): SeriesRead[] => [
  ...(check.cpuQuery
    ? [seriesRead('prometheus', check.cpuQuery, 'CPU %', 'cpuQuery', { chart: { name: 'CPU', unit: '%' } })]
    : []),
  ...(check.memoryQuery
    ? [seriesRead('prometheus', check.memoryQuery, 'memory %', 'memoryQuery', { chart: { name: 'memory', unit: '%' } })]
    : []),
];

function missingResourceRead(check: ResourcesCheck): MissingRead | undefined {
  if (!check.cpuQuery)
    return {
      field: 'cpuQuery',
      message:
        'is required for a resources check on your own service: PromQL of CPU in percent of its budget (e.g. cpuQuery: \'100 * max(rate(process_cpu_seconds_total{job="payments"}[10s]))\')',
    };
  return check.memoryQuery
    ? undefined
    : {
        field: 'memoryQuery',
        message:
          'is required for a resources check on your own service: PromQL of memory in percent of its budget (e.g. memoryQuery: \'100 * max(process_resident_memory_bytes{job="payments"}) / 536870912\')',
      };
}

/** The target's average CPU and memory (percent of its budget) stay under the published limits in each phase. */
export function evaluateResources(check: ResourcesCheck, context: ResilienceContext): CheckResult[] {
  const reads = resourceReads(check);
  const limits = [
    { resource: 'cpu', read: reads.find((r) => r.role === 'CPU %'), below: check.cpuPercentBelow },
    { resource: 'memory', read: reads.find((r) => r.role === 'memory %'), below: check.memoryPercentBelow },
  ];
  return check.phases.flatMap((phase) =>
    limits.map(({ resource, read, below }) => {
      const base = {
        name: `${resource} average < ${below}%`,
        phase,
        metric: KIND,
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

export const resourcesKind = defineCheckKind({
  kind: KIND,
  schema: resourcesSchema,
  source: () => 'prometheus',
  reads: resourceReads,
  missingRead: missingResourceRead,
  describe: (check) => `average CPU < ${check.cpuPercentBelow}%, memory < ${check.memoryPercentBelow}%`,
  observedUnit: () => '%',
  evaluate: evaluateResources,
});
