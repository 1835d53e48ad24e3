import type { RequestSpec } from '../scenario/scenario-schema.ts';

export interface PreparedRequest {
  method: RequestSpec['method'];
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Filled from templates for this one send: its bytes are not kept for reuse. */
  oneOff?: boolean;
  /** The listener wants the response's headers and body (captures), not only its status. */
  readResponse?: boolean;
  /** The request's bytes, filled from a compiled wire template (flows): sent as they are. */
  wire?: Buffer;
}

export function prepareRequest(spec: RequestSpec): PreparedRequest {
  const headers = { ...(spec.headers ?? {}) };
  let body: string | undefined;
  if (typeof spec.body === 'string') body = spec.body;
  else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    headers['content-type'] ??= 'application/json';
  }
  return { method: spec.method, path: spec.path, headers, body };
}

/** Picks items at random in proportion to their weights. */
export function createWeightedPicker<T extends { weight: number }>(
  items: readonly T[],
  random: () => number = Math.random,
): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) cumulative.push((total += item.weight));
  if (items.length === 1) return () => items[0]!;
  return () => {
    const draw = random() * total;
    const index = cumulative.findIndex((edge) => draw < edge);
    return items[index === -1 ? items.length - 1 : index]!;
  };
}

/** Picks requests at random in proportion to their weights (the autocannon driver's mix). */
export function createRequestPicker(
  specs: readonly RequestSpec[],
  random: () => number = Math.random,
): () => PreparedRequest {
  const pick = createWeightedPicker(
    specs.map((spec) => ({ weight: spec.weight, request: prepareRequest(spec) })),
    random,
  );
  return () => pick().request;
}
