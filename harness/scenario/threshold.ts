/**
 * k6 threshold expressions ("p(95)<500", "rate<0.01", "max<2000").
 * Hand-written: k6's own parser lives in Go, and no npm package parses this grammar.
 */
export type Aggregation =
  { kind: 'percentile'; percentile: number } | { kind: 'avg' | 'min' | 'max' | 'med' | 'rate' | 'count' | 'ratio' };

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  source: string;
  aggregation: Aggregation;
  operator: ThresholdOperator;
  value: number;
}

const THRESHOLD_PATTERN =
  /^\s*(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|min|max|med|rate|count|ratio)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

export function parseThreshold(source: string): Threshold | undefined {
  const match = THRESHOLD_PATTERN.exec(source);
  if (!match) return undefined;
  const [, aggregationText, percentileText, operatorText, valueText] = match;
  const operator = (operatorText === '===' ? '==' : operatorText) as ThresholdOperator;
  const value = Number(valueText);
  if (percentileText !== undefined) {
    const percentile = Number(percentileText);
    if (percentile <= 0 || percentile > 100) return undefined;
    return { source, aggregation: { kind: 'percentile', percentile }, operator, value };
  }
  const kind = aggregationText as Exclude<Aggregation['kind'], 'percentile'>;
  return { source, aggregation: { kind }, operator, value };
}

export function aggregationName(aggregation: Aggregation): string {
  return aggregation.kind === 'percentile' ? `p(${aggregation.percentile})` : aggregation.kind;
}

export function compare(observed: number, operator: ThresholdOperator, expected: number): boolean {
  switch (operator) {
    case '<':
      return observed < expected;
    case '<=':
      return observed <= expected;
    case '>':
      return observed > expected;
    case '>=':
      return observed >= expected;
    case '==':
      return observed === expected;
    case '!=':
      return observed !== expected;
  }
}
