import { ORDEAL_VERSION } from '../report/version.ts';
import type { CompiledStep } from './compiled-flow.ts';
import { ESCAPES, valueOf, type TemplateEscape, type TemplateRef, type TemplateScope } from './template.ts';

type WirePart = string | { ref: TemplateRef; escape: TemplateEscape };

/**
 * A templated step as the bytes of its request, compiled once per worker:
 * the request line and headers are one list of literal text and references,
 * so a request is one concatenation and one Buffer (plus its body), not a
 * header-by-header serialisation. Framing as the plain path: Host and
 * User-Agent unless given, no Content-Length/Transfer-Encoding/Connection of
 * the user's, a Content-Length for the body.
 */
export interface WireTemplate {
  head: WirePart[];
  body?: WirePart[];
  /** POST/PUT/PATCH say Content-Length even without a body. */
  lengthAlways: boolean;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

function partsOf(template: CompiledStep['path']): WirePart[] {
  return template.parts.map((part) => (typeof part === 'string' ? part : { ref: part, escape: template.escape }));
}

/** Adjacent literals merged: fewer pieces to concatenate per request. */
function merged(parts: WirePart[]): WirePart[] {
  const out: WirePart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
    else out.push(part);
  }
  return out;
}

export function compileWire(step: CompiledStep, hostHeader: string): WireTemplate {
  const has = (name: string): boolean => step.headers.some(([header]) => header.toLowerCase() === name);
  const head: WirePart[] = [`${step.method} `, ...partsOf(step.path), ' HTTP/1.1\r\n'];
  if (!has('host')) head.push(`host: ${hostHeader}\r\n`);
  if (!has('user-agent')) head.push(`user-agent: ordeal/${ORDEAL_VERSION}\r\n`);
  for (const [name, template] of step.headers) {
    if (FRAMING.has(name.toLowerCase())) continue;
    head.push(`${name}: `, ...partsOf(template), '\r\n');
  }
  return {
    head: merged(head),
    ...(step.body ? { body: merged(partsOf(step.body)) } : {}),
    lengthAlways: BODY_METHODS.has(step.method),
  };
}

function fill(parts: readonly WirePart[], scope: TemplateScope): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = valueOf(part.ref, scope);
      out += part.escape === 'none' ? value : ESCAPES[part.escape](value);
    }
  }
  return out;
}

/** A rendered request line and headers over this is refused before it is sent (servers refuse far less: 8–64 KiB). */
export const MAX_RENDERED_HEAD_BYTES = 64 * 1024;
/** A rendered body over this is refused before it is sent. */
export const MAX_RENDERED_BODY_BYTES = 16 * 1024 * 1024;

/** A template filled past its bound (a captured 100 MB value in a path): the request is not sent. */
export class RenderedTooLargeError extends Error {}

export function renderWire(wire: WireTemplate, scope: TemplateScope): Buffer {
  const head = fill(wire.head, scope);
  if (head.length > MAX_RENDERED_HEAD_BYTES)
    throw new RenderedTooLargeError(
      `its request line and headers would be ${head.length} bytes, over the ${MAX_RENDERED_HEAD_BYTES} ordeal sends (a captured or data value too large for a path or header)`,
    );
  if (!wire.body) return Buffer.from(wire.lengthAlways ? `${head}content-length: 0\r\n\r\n` : `${head}\r\n`);
  const body = fill(wire.body, scope);
  if (body.length > MAX_RENDERED_BODY_BYTES)
    throw new RenderedTooLargeError(
      `its body would be over the ${MAX_RENDERED_BODY_BYTES / 1_048_576} MiB ordeal sends (a captured or data value too large)`,
    );
  return Buffer.from(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
