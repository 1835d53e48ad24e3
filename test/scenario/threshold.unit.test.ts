import { describe, expect, it } from 'vitest';
import { compare, parseThreshold } from '../../harness/scenario/threshold.ts';

describe('parseThreshold (k6 grammar)', () => {
  it('reads percentiles, rates and maxima', () => {
    expect(parseThreshold('p(95)<500')).toMatchObject({
      aggregation: { kind: 'percentile', percentile: 95 },
      operator: '<',
      value: 500,
    });
    expect(parseThreshold('p(99.9) <= 1000')).toMatchObject({
      aggregation: { kind: 'percentile', percentile: 99.9 },
      operator: '<=',
      value: 1000,
    });
    expect(parseThreshold('rate<0.01')).toMatchObject({ aggregation: { kind: 'rate' }, operator: '<', value: 0.01 });
    expect(parseThreshold('max<2000')).toMatchObject({ aggregation: { kind: 'max' }, value: 2000 });
    expect(parseThreshold('count===3')).toMatchObject({ aggregation: { kind: 'count' }, operator: '==', value: 3 });
  });

  it.each(['p95<500', 'p(0)<1', 'p(101)<1', 'rate<', 'rate<<1', 'median<3', '<500', 'p(95)<5OO'])(
    'refuses %j',
    (source) => {
      expect(parseThreshold(source)).toBeUndefined();
    },
  );

  it('compares with every operator', () => {
    expect(compare(1, '<', 2)).toBe(true);
    expect(compare(2, '<', 2)).toBe(false);
    expect(compare(2, '<=', 2)).toBe(true);
    expect(compare(3, '>', 2)).toBe(true);
    expect(compare(2, '>=', 3)).toBe(false);
    expect(compare(2, '==', 2)).toBe(true);
    expect(compare(2, '!=', 2)).toBe(false);
  });
});
