/**
 * The metric names a PromQL expression reads, found by a small lexer rather
 * than a full parser (no well-kept PromQL parser for Node exists; Prometheus'
 * own is Go): string literals, label matchers `{…}`, range and subquery
 * brackets `[…]`, grouping lists `by (…)`/`without (…)`/`on (…)`/`ignoring (…)`/
 * `group_left (…)`/`group_right (…)` and `offset`/`@` modifiers are removed;
 * what is left that is a name and not a function, an aggregation, a keyword or
 * a number is a metric. Used only to tell "no series" from "no such metric".
 */
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
  'start', 'end',
]);

export function metricNamesIn(promql: string): string[] {
  let text = promql
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/#[^\n]*/g, ' ');
  // Innermost first, so nested brackets are removed from the inside out.
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\{[^{}]*\}/g, ' ').replace(/\[[^[\]]*\]/g, ' ');
  }
  text = text
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g, ' ')
    .replace(/\boffset\s+-?[0-9a-z]+/gi, ' ')
    .replace(/@\s*[^\s)]+/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/(?<![0-9.a-zA-Z_:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call || KEYWORDS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  // Selectors written only as matchers ({__name__="x"}) name their metric inside the braces.
  for (const match of promql.matchAll(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) names.add(match[1]!);
  return [...names];
}
