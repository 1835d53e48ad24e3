import { z } from 'zod';
import { zeroOrDurationSchema } from '../notation/duration-schema.ts';
import { parseThreshold } from './threshold.ts';

const GUARD_METRICS = {
  http_req_failed: { aggregations: ['rate'], example: 'trip: "rate>0.2" (more than 20 % of requests failed)' },
  http_req_duration: { aggregations: ['percentile', 'avg', 'max', 'med', 'min'], example: 'trip: "p(99)>3000" (ms)' },
} as const;

export type GuardMetric = keyof typeof GUARD_METRICS;

/**
 * A stop condition (k6's abortOnFail, AWS FIS stop conditions, Gremlin's
 * halt). Either a load metric with a k6-style trip expression, judged on each
 * second of recorded load, or a PromQL expression that trips when it returns
 * any sample. `for`: how long the condition must hold without a break (like
 * a Prometheus alert's `for`); `phases`: only watch during these.
 */
export const guardSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('A name for the guard in the report (default: "guard <n>").'),
    metric: z
      .enum(Object.keys(GUARD_METRICS) as [GuardMetric, ...GuardMetric[]])
      .optional()
      .describe('A load metric to watch each second: "http_req_failed" or "http_req_duration" (with trip).'),
    trip: z.string().optional().describe('When the metric trips the guard, k6 syntax: "rate>0.2", "p(99)>3000" (ms).'),
    promql: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Or: PromQL that trips the guard when it returns any sample (e.g. \'ALERTS{alertstate="firing",severity="critical"}\').',
      ),
    for: zeroOrDurationSchema
      .prefault('0s')
      .describe("How long the condition must hold without a break before the guard trips (like an alert's for)."),
    phases: z.array(z.string().min(1)).min(1).optional().describe('Only watch during these phases (default: all).'),
  })
  .superRefine((guard, ctx) => {
    if (guard.promql !== undefined) {
      if (guard.metric !== undefined || guard.trip !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['promql'],
          input: guard.promql,
          message: 'cannot be combined with metric/trip (a guard watches either a load metric or a PromQL expression)',
        });
      }
      return;
    }
    if (guard.metric === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        input: undefined,
        message:
          'is required (use metric: "http_req_failed" with trip: "rate>0.2", metric: "http_req_duration" with trip: "p(99)>3000", or promql: "…")',
      });
      return;
    }
    const threshold = guard.trip === undefined ? undefined : parseThreshold(guard.trip);
    const { aggregations, example } = GUARD_METRICS[guard.metric];
    if (!threshold || !(aggregations as readonly string[]).includes(threshold.aggregation.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['trip'],
        input: guard.trip,
        message: `is not a trip condition for ${guard.metric} (use e.g. ${example})`,
      });
    }
  });

export type Guard = z.output<typeof guardSchema>;

export function describeGuard(guard: Guard): string {
  const condition =
    guard.promql !== undefined ? `PromQL ${guard.promql} returns a sample` : `${guard.metric} ${guard.trip}`;
  const hold = guard.for.ms > 0 ? ` for ${guard.for.text}` : '';
  const phases = guard.phases ? ` (during ${guard.phases.join(', ')})` : '';
  return `${condition}${hold}${phases}`;
}

export function guardName(guard: Guard, index: number): string {
  return guard.name ?? `guard ${index + 1}`;
}
