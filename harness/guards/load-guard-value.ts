import { totalErrors } from '../metrics/error-kind.ts';
import { mergedLatencyHistogram, percentileMs, summarizeLatencyMs } from '../metrics/latency-histogram.ts';
import type { SecondBucket } from '../metrics/second-buckets.ts';
import type { GuardMetric } from '../scenario/guard-schema.ts';
import type { Aggregation } from '../scenario/threshold.ts';

/** The value a load guard compares for one second of recorded load; undefined when nothing completed that second. */
export function loadGuardValue(
  metric: GuardMetric,
  aggregation: Aggregation,
  buckets: readonly SecondBucket[],
): number | undefined {
  const requests = buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
  if (requests === 0) return undefined;
  if (metric === 'http_req_failed')
    return buckets.reduce((sum, bucket) => sum + totalErrors(bucket.errors), 0) / requests;
  const latency = mergedLatencyHistogram(buckets.map((bucket) => bucket.latency));
  const summary = summarizeLatencyMs(latency);
  if (!summary) return undefined;
  switch (aggregation.kind) {
    case 'percentile':
      return percentileMs(latency, aggregation.percentile);
    case 'med':
      return summary.p50;
    case 'avg':
      return summary.avg;
    case 'max':
      return summary.max;
    case 'min':
      return summary.min;
    default:
      return undefined;
  }
}
