import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HdrHistogramMetric } from '../../harness/telemetry/hdr-histogram-metric.ts';
import { registryAsSeries } from '../../harness/telemetry/remote-write.ts';

describe('registryAsSeries: a registry as remote-write series', () => {
  it("carries every value with its own labels and the run's, sorted by name, stamped with the push's time", async () => {
    const registry = new Registry();
    new Counter({ name: 'ordeal_requests_total', help: 'h', labelNames: ['phase'], registers: [registry] }).inc(
      { phase: 'peak' },
      42,
    );
    new Gauge({ name: 'ordeal_target_rate_per_second', help: 'h', registers: [registry] }).set(200);
    new HdrHistogramMetric('ordeal_request_duration_seconds', 'h', registry, [0.1]);
    const series = await registryAsSeries(registry, { run_id: 'r1', job: 'ordeal', scenario: 's' }, 1_700_000_000_000);
    expect(series).toEqual([
      {
        labels: { __name__: 'ordeal_requests_total', job: 'ordeal', phase: 'peak', run_id: 'r1', scenario: 's' },
        samples: [{ value: 42, timestamp: 1_700_000_000_000 }],
      },
      {
        labels: { __name__: 'ordeal_target_rate_per_second', job: 'ordeal', run_id: 'r1', scenario: 's' },
        samples: [{ value: 200, timestamp: 1_700_000_000_000 }],
      },
    ]);
    for (const { labels } of series) expect(Object.keys(labels)).toEqual(Object.keys(labels).sort());
  });

  it("a histogram's buckets, sum and count each become a series under its own name; a label cannot replace the run's", async () => {
    const registry = new Registry();
    const histogram = new HdrHistogramMetric('ordeal_request_duration_seconds', 'h', registry, [0.1]);
    histogram.add('peak', { totalCount: 2, mean: 50_000, getValueAtPercentile: () => 50_000 } as never);
    new Gauge({ name: 'sneaky', help: 'h', labelNames: ['run_id'], registers: [registry] }).set({ run_id: 'other' }, 1);
    const series = await registryAsSeries(registry, { run_id: 'r1' }, 1);
    expect(series.map((s) => `${s.labels.__name__}{${s.labels['le'] ?? ''}} ${s.samples[0]!.value}`)).toEqual([
      'ordeal_request_duration_seconds_bucket{0.1} 2',
      'ordeal_request_duration_seconds_bucket{+Inf} 2',
      'ordeal_request_duration_seconds_sum{} 0.1',
      'ordeal_request_duration_seconds_count{} 2',
      'sneaky{} 1',
    ]);
    expect(series.at(-1)!.labels['run_id']).toBe('r1');
  });
});
