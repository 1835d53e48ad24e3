/**
 * The JSON paths a capture understands: "token", "$.data.id",
 * "items[0].id" — dotted names and array indexes. Hand-written: a capture
 * needs only these, and a full JSONPath engine (filters, scripts) would let a
 * scenario run expressions inside the load loop.
 */
export function parseJsonPath(text: string): (string | number)[] | undefined {
  const body = text.startsWith('$') ? text.slice(1).replace(/^\./, '') : text;
  if (body === '') return [];
  const path: (string | number)[] = [];
  for (const segment of body.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match || (match[1] === '' && match[2] === '')) return undefined;
    if (match[1]) path.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

/** The value at `path`, as text (objects as JSON); undefined when absent or null. */
export function valueAtPath(document: unknown, path: readonly (string | number)[]): string | undefined {
  let node: unknown = document;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === undefined || node === null) return undefined;
  return typeof node === 'object' ? JSON.stringify(node) : String(node);
}
