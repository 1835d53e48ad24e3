import type { z } from 'zod';
import { OrdealError } from '../errors/ordeal-error.ts';
import { isSecretHeader } from './secret-headers.ts';
import { FAULT_KINDS } from './fault-schema.ts';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';

const FIELD_HINTS: Record<string, string> = {
  duration: 'use "500ms", "30s", "2m" or "1m30s"',
  timeout: 'use "500ms", "5s"',
  rate: 'use requests per second, e.g. 100, or a ramp { from: 50, to: 200 }',
  kind: `use one of ${FAULT_KINDS.join(', ')}`,
  method: 'use GET, POST, PUT, PATCH, DELETE or HEAD',
  requests: 'use a list like [{ method: "GET", path: "/api/quotes/ACME", weight: 1 }]',
  phases: 'use a list like [{ name: "peak", duration: "30s", rate: 100 }]',
  weight: 'use a positive number; requests are picked in proportion to their weights',
  connections: 'use a whole number from 1 to 10000',
  toxicity: 'use a probability from 0 to 1',
  stream: 'use "upstream" or "downstream"',
};

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  }
  return text || '(scenario)';
}

const SECRET_VALUE = Symbol('secret');

function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === SECRET_VALUE) return '(a secret value, not shown)';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const lastKey = [...issue.path].reverse().find((key) => typeof key === 'string');
  const hint = typeof lastKey === 'string' ? FIELD_HINTS[lastKey] : undefined;
  const rawInput = (issue as { input?: unknown }).input;
  // A discriminated union reports the whole object; show the discriminator itself.
  const shown =
    typeof lastKey === 'string' && rawInput !== null && typeof rawInput === 'object' && lastKey in rawInput
      ? (rawInput as Record<string, unknown>)[lastKey]
      : rawInput;
  // An Authorization or Cookie value is a secret: an error names the field, never the value.
  const secret = issue.path.includes('headers') && typeof lastKey === 'string' && isSecretHeader(lastKey);
  const input = secret && shown !== undefined ? SECRET_VALUE : shown;
  const withHint = (text: string): string => (hint && !text.includes('(') ? `${text} (${hint})` : text);
  switch (issue.code) {
    case 'custom':
      return input === undefined ? issue.message : `${formatValue(input)} ${issue.message}`;
    case 'invalid_type':
      return input === undefined
        ? withHint(`is missing: expected ${issue.expected}`)
        : withHint(`${formatValue(input)} is not ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`);
    case 'unrecognized_keys': {
      // k6 users write `thresholds`; ordeal judges the same expressions per phase under `slos`.
      const k6Hint =
        issue.path.length === 0 && issue.keys.includes('thresholds')
          ? ' (did you mean `slos`? ordeal takes k6\'s threshold expressions per phase: slos: [{ phases: ["peak"], http_req_duration: ["p(95)<500"] }])'
          : '';
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${k6Hint || ' (check the spelling; `ordeal schema` prints every field)'}`;
    }
    case 'invalid_value':
      return `${formatValue(input)} is not allowed (use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'invalid_union':
      return withHint(`${formatValue(input)} is not valid`);
    case 'invalid_key':
      // A record's key: the key's own rule says what is wrong with it.
      return `${formatValue(input)} ${issue.issues[0]?.message ?? issue.message}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const relation = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what =
        issue.origin === 'array' ? 'must have a length' : issue.origin === 'string' ? 'must have a length' : 'must be';
      return issue.message.startsWith('Too')
        ? withHint(`${formatValue(input)} ${what} ${relation} ${String(bound)}`)
        : `${formatValue(input)} ${issue.message}`;
    }
    default:
      return withHint(`${formatValue(input)} ${issue.message}`);
  }
}

/** Validates raw scenario data; throws one ORDEAL_ERR_SCENARIO naming every bad field. */
/** Marks a scenario validateScenario produced, so it is not validated twice (its output is not always valid input). */
const VALIDATED = new WeakSet<object>();

export function isValidatedScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && VALIDATED.has(value);
}

/** Deeper than this, a scenario (a request body included) is not something a person wrote: refused before anything walks it recursively. */
export const MAX_SCENARIO_DEPTH = 64;

/** Where the input first nests deeper than `limit` (walked without recursion, so a 200,000-deep body cannot overflow the stack). */
function tooDeep(data: unknown, limit: number): readonly PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= limit) return path;
    for (const [key, child] of Object.entries(value))
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return undefined;
}

export function validateScenario(data: unknown, sourceName = 'scenario'): Scenario {
  if (isValidatedScenario(data)) return data;
  const deep = tooDeep(data, MAX_SCENARIO_DEPTH);
  if (deep) {
    // Named by its field (requests[0].body), not by the 64 keys under it.
    const field = formatPath(deep.slice(0, deep.findIndex((key) => key === 'body') + 1 || 3));
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${sourceName} is not a valid scenario:\n  ${field}: nests deeper than ${MAX_SCENARIO_DEPTH} levels (ordeal reads at most ${MAX_SCENARIO_DEPTH}; flatten it, or send it as a string)`,
    );
  }
  const result = scenarioSchema.safeParse(data, { reportInput: true });
  if (result.success) {
    VALIDATED.add(result.data);
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${describeIssue(issue)}`);
  throw new OrdealError('ORDEAL_ERR_SCENARIO', `${sourceName} is not a valid scenario:\n${lines.join('\n')}`, {
    cause: result.error,
  });
}
