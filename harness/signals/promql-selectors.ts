import { parser } from '@prometheus-io/lezer-promql';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One vector selector of a PromQL expression: its text, metric name and label matchers. */
export interface VectorSelector {
  text: string;
  name?: string;
  matchers: { label: string; op: MatchOp; value: string }[];
}

const unquote = (literal: string): string =>
  literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1).replace(/\\(.)/g, '$1');

/**
 * The vector selectors a PromQL expression reads, from the Prometheus
 * project's own grammar (@prometheus-io/lezer-promql): `rate(x{a="b"}[1m])`
 * gives `x{a="b"}` with its name and matchers, so each can be looked up in
 * the live Prometheus before a run.
 */
export function selectorsIn(promql: string): VectorSelector[] {
  const selectors: VectorSelector[] = [];
  const text = (from: number, to: number): string => promql.slice(from, to);
  parser.parse(promql).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return;
      const selector: VectorSelector = { text: text(node.from, node.to), matchers: [] };
      const identifier = node.node.getChild('Identifier');
      if (identifier) selector.name = text(identifier.from, identifier.to);
      for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = matcher.getChild('LabelName');
        const op = matcher.getChild('MatchOp');
        const value = matcher.getChild('StringLiteral');
        if (!label || !op || !value) continue;
        const entry = {
          label: text(label.from, label.to),
          op: text(op.from, op.to) as MatchOp,
          value: unquote(text(value.from, value.to)),
        };
        if (entry.label === '__name__' && entry.op === '=') selector.name = entry.value;
        else selector.matchers.push(entry);
      }
      selectors.push(selector);
      return false;
    },
  });
  return selectors;
}

/** An alert expression without a top-level comparison to a number (`max(x) > 0.5` → `max(x)`): what labels it can carry, also when it is not firing. */
export function withoutThreshold(promql: string): string {
  const tree = parser.parse(promql);
  const top = tree.topNode.firstChild;
  if (top?.name !== 'BinaryExpr') return promql;
  const [left, , right] = [top.firstChild, top.firstChild?.nextSibling, top.lastChild];
  if (!left || !right) return promql;
  const isNumber = (name: string): boolean => /Number/.test(name);
  if (isNumber(right.name)) return promql.slice(left.from, left.to);
  if (isNumber(left.name)) return promql.slice(right.from, right.to);
  return promql;
}

/**
 * The labels an expression's result can carry, read from its shape when it
 * cannot be evaluated to series: a top-level aggregation keeps only its
 * `by (…)` labels (none without one: `max(x)` drops them all). Undefined when
 * the shape does not say (no aggregation at the top, or `without`).
 */
export function labelsKeptBy(promql: string): string[] | undefined {
  const top = parser.parse(promql).topNode.firstChild;
  if (top?.name !== 'AggregateExpr') return undefined;
  const modifier = top.getChild('AggregateModifier');
  if (!modifier) return [];
  if (!modifier.getChild('By')) return undefined;
  return (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((label) =>
    promql.slice(label.from, label.to),
  );
}
