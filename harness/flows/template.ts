import { randomInt, randomUUID } from 'node:crypto';

/**
 * `{{ … }}` templates in paths, headers and bodies, compiled once when the
 * scenario is loaded into plain data (they cross into load workers), then
 * filled per request by concatenation: no parsing on the hot path.
 * Hand-written: the grammar is five forms, and a general template engine
 * (Handlebars, Mustache) would add HTML escaping and partials nobody here wants.
 */
export type TemplateRef =
  | { kind: 'var'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'data'; column: string }
  | { kind: 'uuid' }
  | { kind: 'isoTime' }
  | { kind: 'randomInt'; min: number; max: number };

export type TemplatePart = string | TemplateRef;

/**
 * How a filled value is made safe where it lands: "json" inside a JSON
 * document's strings (escaped), "uri" in a path (percent-encoded), "header"
 * in a header value (line breaks and NUL removed: a value from a response
 * must not split the request), "none" in a plain body.
 */
export type TemplateEscape = 'none' | 'json' | 'uri' | 'header';

export interface Template {
  parts: TemplatePart[];
  escape: TemplateEscape;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANDOM_INT = /^randomInt\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/;

export const TEMPLATE_FORMS =
  '{{ name }} (a capture), {{ env.NAME }}, {{ data.column }}, {{ uuid }}, {{ randomInt(1, 100) }} or {{ isoTime }}';

/** One `{{ … }}` body as a reference, or a message saying what is wrong with it. */
export function parseRef(text: string): TemplateRef | string {
  if (text === 'uuid') return { kind: 'uuid' };
  if (text === 'isoTime') return { kind: 'isoTime' };
  const random = RANDOM_INT.exec(text);
  if (random) {
    const [min, max] = [Number(random[1]), Number(random[2])];
    return min <= max
      ? { kind: 'randomInt', min, max }
      : `randomInt(${min}, ${max}) has its bounds the wrong way round`;
  }
  const [head, ...rest] = text.split('.');
  if (rest.length === 1 && head === 'env' && NAME.test(rest[0]!)) return { kind: 'env', name: rest[0]! };
  if (rest.length === 1 && head === 'data' && rest[0]!.length > 0) return { kind: 'data', column: rest[0]! };
  if (rest.length === 0 && NAME.test(text)) return { kind: 'var', name: text };
  return `"{{ ${text} }}" is not a template (use ${TEMPLATE_FORMS})`;
}

/** Compiles `text`; throws an Error naming the bad `{{ … }}`. */
export function compileTemplate(text: string, escape: TemplateEscape = 'none'): Template {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(TEMPLATE)) {
    const ref = parseRef(match[1]!);
    if (typeof ref === 'string') throw new Error(ref);
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(ref);
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(text.slice(last));
  return { parts, escape };
}

export function isStatic(template: Template): boolean {
  return template.parts.every((part) => typeof part === 'string');
}

export function refsOf(template: Template): TemplateRef[] {
  return template.parts.filter((part): part is TemplateRef => typeof part !== 'string');
}

/** Where a filled value comes from, per iteration. */
export interface TemplateScope {
  vars: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string>>;
  row: Readonly<Record<string, string>> | undefined;
}

export function valueOf(ref: TemplateRef, scope: TemplateScope): string {
  switch (ref.kind) {
    case 'var':
      return scope.vars.get(ref.name) ?? '';
    case 'env':
      return scope.env[ref.name] ?? '';
    case 'data':
      return scope.row?.[ref.column] ?? '';
    case 'uuid':
      return randomUUID();
    case 'isoTime':
      return new Date().toISOString();
    case 'randomInt':
      return String(randomInt(ref.min, ref.max + 1));
  }
}

export const ESCAPES: Record<Exclude<TemplateEscape, 'none'>, (value: string) => string> = {
  json: (value) => JSON.stringify(value).slice(1, -1),
  uri: (value) => encodeURIComponent(value),
  header: (value) => value.replace(/[\r\n\0]/g, ''),
};

export function renderTemplate(template: Template, scope: TemplateScope): string {
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = valueOf(part, scope);
      out += template.escape === 'none' ? value : ESCAPES[template.escape](value);
    }
  }
  return out;
}

/** How a reference reads in plans and messages. */
export function describeRef(ref: TemplateRef): string {
  switch (ref.kind) {
    case 'var':
      return ref.name;
    case 'env':
      return `env.${ref.name}`;
    case 'data':
      return `data.${ref.column}`;
    case 'randomInt':
      return `randomInt(${ref.min}, ${ref.max})`;
    default:
      return ref.kind;
  }
}
