import { describe, expect, it } from 'vitest';
import { redactingIo } from '../../harness/cli/cli-io.ts';
import { compileFlows } from '../../harness/flows/compile-flows.ts';
import { parseJsonPath, valueAtPath } from '../../harness/flows/json-path.ts';
import { redactDeep, redactText } from '../../harness/flows/redact-secrets.ts';
import { compileTemplate, renderTemplate } from '../../harness/flows/template.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { bufferIo } from '../support/buffer-io.ts';

const base = {
  name: 's',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  phases: [{ name: 'p', duration: '1s', rate: 1 }],
};
const scope = (vars: Record<string, string> = {}, row?: Record<string, string>) => ({
  vars: new Map(Object.entries(vars)),
  env: { TOKEN: 't0k3n' },
  row,
});

describe('templates', () => {
  it('compile once into parts and fill by concatenation, escaped for where they land', () => {
    const path = compileTemplate('/orders/{{ id }}?u={{ data.user }}', 'uri');
    expect(path.parts).toEqual(['/orders/', { kind: 'var', name: 'id' }, '?u=', { kind: 'data', column: 'user' }]);
    expect(renderTemplate(path, scope({ id: 'a b/c' }, { user: 'ann' }))).toBe('/orders/a%20b%2Fc?u=ann');
    // A value from a response cannot split a request: line breaks go from header values.
    expect(renderTemplate(compileTemplate('Bearer {{ token }}', 'header'), scope({ token: 'x\r\nHost: evil' }))).toBe(
      'Bearer xHost: evil',
    );
    // Inside JSON strings, a value with quotes stays one string.
    const body = compileTemplate(JSON.stringify({ note: '{{ n }}' }), 'json');
    expect(JSON.parse(renderTemplate(body, scope({ n: 'say "hi"\n' })))).toEqual({ note: 'say "hi"\n' });
    expect(Number(renderTemplate(compileTemplate('{{ randomInt(3, 3) }}'), scope()))).toBe(3);
    expect(renderTemplate(compileTemplate('{{ uuid }}'), scope())).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses what is not a template, saying which forms there are', () => {
    expect(() => compileTemplate('{{ 1x }}')).toThrow(
      '"{{ 1x }}" is not a template (use {{ name }} (a capture), {{ env.NAME }}',
    );
    expect(() => compileTemplate('{{ randomInt(5, 1) }}')).toThrow('bounds the wrong way round');
  });

  it('JSON paths: dotted names and indexes, $-rooted or not; absent is undefined', () => {
    expect(parseJsonPath('$.data.items[1].id')).toEqual(['data', 'items', 1, 'id']);
    expect(parseJsonPath('token')).toEqual(['token']);
    expect(parseJsonPath('a..b')).toBeUndefined();
    expect(valueAtPath({ data: { items: [{}, { id: 7 }] } }, ['data', 'items', 1, 'id'])).toBe('7');
    expect(valueAtPath({ a: null }, ['a'])).toBeUndefined();
  });
});

describe('checked before any load', () => {
  it('a variable no earlier step captures is named, with what is captured so far', () => {
    const scenario = validateScenario({
      ...base,
      flows: [
        {
          name: 'f',
          steps: [
            { name: 'a', path: '/a', capture: { id: { json: 'id' } } },
            { name: 'b', path: '/b/{{ idd }}' },
          ],
        },
      ],
    });
    expect(() => compileFlows(scenario, { env: {} })).toThrow(
      'flows[0].steps[1].path: "{{ idd }}" is captured by no earlier step (captured so far: id)',
    );
  });

  it('env values are secrets unless declared public; static Authorization values are secrets too', () => {
    const scenario = validateScenario({
      ...base,
      env: { public: ['REGION'] },
      requests: [
        { path: '/x?r={{ env.REGION }}', headers: { 'x-key': '{{ env.KEY }}', Authorization: 'Basic c2VjcmV0OnB3' } },
      ],
    });
    const compiled = compileFlows(scenario, { env: { REGION: 'eu-west-1', KEY: 'key-9876' } });
    expect(compiled.secrets).toEqual(expect.arrayContaining(['key-9876', 'Basic c2VjcmV0OnB3', 'c2VjcmV0OnB3']));
    expect(compiled.secrets).not.toContain('eu-west-1');
  });

  it('a scenario error about an Authorization value names the field, never the value', () => {
    expect(() =>
      validateScenario({ ...base, requests: [{ path: '/', headers: { Authorization: 'Bearer s3cr3t\nx' } }] }),
    ).toThrow(/requests\[0\]\.headers\.Authorization: \(a secret value, not shown\)/);
    const thrown = ((): unknown => {
      try {
        validateScenario({ ...base, requests: [{ path: '/', headers: { Authorization: 'Bearer s3cr3t\nx' } }] });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).not.toContain('s3cr3t');
  });

  it('flows need the ordeal driver', () => {
    expect(() =>
      validateScenario({
        ...base,
        load: { driver: 'autocannon' },
        flows: [{ name: 'f', steps: [{ name: 'a', path: '/' }] }],
      }),
    ).toThrow('load.driver: "autocannon" cannot run flows');
  });
});

describe('redaction where ordeal writes', () => {
  it('replaces every secret, longest first, in text, in JSON-shaped reports and in what the CLI prints', () => {
    expect(redactText('a Bearer tok-1 b tok-1', ['Bearer tok-1', 'tok-1'])).toBe('a [secret] b [secret]');
    expect(redactDeep({ error: 'failed with "q"uote', n: 1 }, ['"q"uote'])).toEqual({
      error: 'failed with [secret]',
      n: 1,
    });
    const io = bufferIo();
    const redacting = redactingIo(io, ['hunter2!']);
    redacting.stdout.write('password hunter2! printed\n');
    expect(io.out()).toBe('password [secret] printed\n');
  });
});
