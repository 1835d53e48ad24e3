import { describe, expect, it } from 'vitest';
import { metricNamesIn } from '../../harness/signals/promql-metric-names.ts';

describe('the metric names a PromQL expression reads', () => {
  it.each([
    ['max(circuit_breaker_state{breaker="market-data"})', ['circuit_breaker_state']],
    ['sum(rate(bank_calls_total{target="secondary",code=~"2.."}[10s]))', ['bank_calls_total']],
    ['sum by (le) (rate(http_server_requests_seconds_bucket[1m])) > bool 0.5', ['http_server_requests_seconds_bucket']],
    ['2 * max(r4j_state{state="open"}) + max(r4j_state{state="half_open"}) offset 5m', ['r4j_state']],
    ['a_total / ignoring(code) group_left b_total', ['a_total', 'b_total']],
    [
      'histogram_quantile(0.99, sum without (instance) (rate(latency_seconds_bucket[5m:30s])))',
      ['latency_seconds_bucket'],
    ],
    ['{__name__="up", job="api"}', ['up']],
    ['vector(1e3) + 0x1F', []],
    ['up{job="a}b"} == 1 and on (job) process_start_time_seconds', ['up', 'process_start_time_seconds']],
  ])('%s', (query, names) => {
    expect(metricNamesIn(query).sort()).toEqual([...names].sort());
  });
});
