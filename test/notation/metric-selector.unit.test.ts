import { describe, expect, it } from 'vitest';
import { matchesSelector, parseMetricSelector } from '../../harness/notation/metric-selector.ts';

describe('metric selectors', () => {
  it('read a name and exact label matches', () => {
    expect(parseMetricSelector('circuit_breaker_state{breaker="market-data"}')).toEqual({
      name: 'circuit_breaker_state',
      labels: { breaker: 'market-data' },
    });
    expect(parseMetricSelector('autoscaler_current_replicas')).toEqual({
      name: 'autoscaler_current_replicas',
      labels: {},
    });
    const selector = parseMetricSelector('x{a="1", b="2"}')!;
    expect(matchesSelector(selector, 'x', { a: '1', b: '2', c: '3' })).toBe(true);
    expect(matchesSelector(selector, 'x', { a: '1' })).toBe(false);
  });

  it.each(['rate(x[5s])', 'x{a=1}', 'x{a="1"', '9x', 'x{a=~"1"}'])('refuses %j', (text) => {
    expect(parseMetricSelector(text)).toBeUndefined();
  });
});
