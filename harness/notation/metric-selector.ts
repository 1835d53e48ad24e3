/** A metric name with exact label matches: `circuit_breaker_state{breaker="market-data"}`. */
export interface MetricSelector {
  name: string;
  labels: Record<string, string>;
}

const SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

export function parseMetricSelector(text: string): MetricSelector | undefined {
  const match = SELECTOR.exec(text.trim());
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  const body = match[2] ?? '';
  for (const [, key, value] of body.matchAll(LABEL)) labels[key!] = value!;
  const consumed = [...body.matchAll(LABEL)].map((m) => m[0]).join(',');
  if (body.replace(/\s|,/g, '') !== consumed.replace(/\s|,/g, '')) return undefined;
  return { name: match[1]!, labels };
}

export function matchesSelector(selector: MetricSelector, name: string, labels: Record<string, string> = {}): boolean {
  return name === selector.name && Object.entries(selector.labels).every(([key, value]) => labels[key] === value);
}
