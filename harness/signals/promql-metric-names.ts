import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names a PromQL expression reads, from the Prometheus project's
 * own PromQL grammar (@prometheus-io/lezer-promql, the parser of
 * Prometheus' web UI): each vector selector's name, or its `__name__`
 * matcher. Used only to tell "no series" from "no such metric".
 */
export function metricNamesIn(promql: string): string[] {
  const names = new Set<string>();
  const text = (from: number, to: number) => promql.slice(from, to);
  parser.parse(promql).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.add(text(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher') {
        const label = node.node.getChild('LabelName');
        const op = node.node.getChild('MatchOp');
        const value = node.node.getChild('StringLiteral');
        if (label && op && value && text(label.from, label.to) === '__name__' && text(op.from, op.to) === '=') {
          const literal = text(value.from, value.to);
          names.add(literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1));
        }
      }
    },
  });
  return [...names];
}
