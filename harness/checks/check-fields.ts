import { z } from 'zod';
import { parseMetricSelector } from '../notation/metric-selector.ts';
import { durationSchema } from '../notation/duration-schema.ts';
import type { Duration } from '../notation/duration.ts';

/** The fields check kinds share, each written once. */
export const duration = durationSchema;
export const phase = z.string().min(1);
export const alertName = z
  .string()
  .min(1)
  .refine((text) => parseMetricSelector(text) !== undefined, {
    error:
      'is not an alert name (use e.g. "CircuitBreakerOpen", or with labels \'HAProxyServerDown{server="primary"}\')',
  });
export const query = z.string().min(1).optional();
/** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
export const graceAfter = duration
  .optional()
  .describe(
    "Judge from each phase's start + this grace (e.g. an alert's rate window carried over from the last fault).",
  );
/** The `kind` field of a check kind's schema: its name, described for editors. */
export const kindName = <const K extends string>(name: K, meaning: string) =>
  z.literal(name).describe(`"${name}": ${meaning}.`);
/** Where a check's series comes from: PromQL on Prometheus, or a direct scrape of the target's /metrics. */
export const source = z.enum(['prometheus', 'scrape']).default('prometheus');
export const metric = z
  .string()
  .refine((text) => parseMetricSelector(text) !== undefined, {
    error: 'is not a metric selector (use e.g. circuit_breaker_state{breaker="market-data"})',
  })
  .optional();

/** " (judged from +3s into the phase)" for a check with a grace, for plan. */
export const withGrace = (after: Duration | undefined, text: string): string =>
  after ? `${text} (judged from +${after} into the phase)` : text;
