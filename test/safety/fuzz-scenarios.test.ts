import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli/program.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { bufferIo } from '../support/buffer-io.ts';
import { startCountingServer } from '../support/counting-server.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let target: Awaited<ReturnType<typeof startCountingServer>>;
let dir: string;
let fileCounter = 0;
const seen = { runs: 0 };

beforeAll(async () => {
  target = await startCountingServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-fuzz-'));
});

afterAll(async () => {
  console.info(
    `fuzz: ${seen.runs} invalid scenarios through \`ordeal run\`, ${target.connections()} connections reached the target`,
  );
  expect(target.connections()).toBe(0);
  await target.close();
});

function baseScenario(): { [key: string]: Json } {
  return {
    name: 'fuzzed',
    target: { baseUrl: target.url },
    toxiproxy: {
      url: 'http://127.0.0.1:9',
      proxies: [{ name: 'api', listen: '127.0.0.1:1', upstream: '127.0.0.1:2' }],
    },
    load: { model: 'open', maxInFlight: 10, timeout: '1s' },
    requests: [
      { method: 'GET', path: '/', weight: 1 },
      { method: 'POST', path: '/orders', body: { symbol: 'ACME' } },
    ],
    phases: [
      { name: 'warm', duration: '1s', rate: { from: 1, to: 2 } },
      { name: 'chaos', duration: '1s', rate: 2, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 10 }] },
    ],
    slos: [{ phases: ['chaos'], http_req_duration: ['p(95)<500'], http_req_failed: ['rate<0.01'] }],
    checks: [{ kind: 'health', phase: 'chaos' }],
    guards: [{ metric: 'http_req_failed', trip: 'rate>0.5', for: '1s' }],
  };
}

/** Every path into a JSON value: ["phases", 1, "faults", 0, "kind"], … */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string, Json>)[key]!, [...prefix, key]))];
}

type Mutation =
  | { op: 'set'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json };

function mutate(scenario: { [key: string]: Json }, mutations: Mutation[]): Json {
  let root: Json = structuredClone(scenario);
  for (const mutation of mutations) {
    const paths = pathsOf(root);
    const at = paths[mutation.at % paths.length]!;
    if (at.length === 0) {
      if (mutation.op === 'set') root = mutation.value;
      continue;
    }
    const parent = at.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, root) as
      Record<string | number, Json> | Json[];
    const key = at[at.length - 1]!;
    if (mutation.op === 'set') (parent as Record<string | number, Json>)[key] = mutation.value;
    else if (mutation.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, Json>)[key];
    } else {
      const node = (parent as Record<string | number, Json>)[key];
      if (node && typeof node === 'object' && !Array.isArray(node))
        (node as Record<string, Json>)[mutation.key] = mutation.value;
    }
  }
  return root;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom<Json>(
        '',
        '0s',
        '-1s',
        '10x',
        'p(95)<',
        'rate>',
        'down',
        'http://10.0.0.1',
        'http://[::1]:1',
        -1,
        0,
        1e308,
        -0,
        2 ** 53,
        'NaN',
        '__proto__',
      ),
    ),
  }), // a non-loopback URL must be refused
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'rate', 'faults')),
    value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
  }),
);

function isValid(data: unknown): boolean {
  try {
    validateScenario(data);
    return true;
  } catch {
    return false;
  }
}

/** Runs `ordeal run` in-process on the file; checks exit 2 and a clear message without a stack trace. */
async function expectRefused(file: string): Promise<void> {
  const io = bufferIo();
  const code = await runCli(['run', file, '--report-dir', path.join(dir, 'reports')], io);
  seen.runs += 1;
  const stderr = io.err();
  expect(code, stderr).toBe(2);
  expect(stderr).toMatch(/^ordeal: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  expect(io.out()).toBe('');
}

describe('fuzzing `ordeal run` with bad scenarios (fast-check)', () => {
  it(
    'mutated scenarios (JSON): always exit 2 with a message naming the field, never a stack trace, never a request',
    { timeout: 240_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations) => {
          const text = JSON.stringify(mutate(baseScenario(), mutations));
          // Judge what ordeal will read: serialising drops what JSON cannot hold (a "__proto__" set by assignment, undefined).
          fc.pre(text !== undefined && !isValid(JSON.parse(text)));
          const file = path.join(dir, `mutated-${fileCounter++}.json`);
          await writeFile(file, text);
          await expectRefused(file);
        }),
        { numRuns: 1_000 },
      );
    },
  );

  it('mutated scenarios (YAML) and random documents: the same', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((m) => mutate(baseScenario(), m)),
          fc.jsonValue() as fc.Arbitrary<Json>,
        ),
        async (scenario) => {
          const text = toYaml(scenario);
          fc.pre(!isValid(parseYaml(text)));
          const file = path.join(dir, `random-${fileCounter++}.yaml`);
          await writeFile(file, text);
          await expectRefused(file);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('files that are not JSON or YAML at all: the same', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('.json', '.yaml'),
        async (text, extension) => {
          const file = path.join(dir, `garbage-${fileCounter++}${extension}`);
          await writeFile(file, text);
          fc.pre(!isValid(tryParse(text, extension)));
          await expectRefused(file);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names the path, the value, and a hint, for typical mistakes', async () => {
    const scenario = mutate(baseScenario(), [
      { op: 'set', at: pathsOf(baseScenario()).findIndex((p) => p.join('.') === 'phases.0.duration'), value: '10x' },
    ]);
    const file = path.join(dir, 'typical.json');
    await writeFile(file, JSON.stringify(scenario));
    const io = bufferIo();
    expect(await runCli(['run', file], io)).toBe(2);
    expect(io.err()).toContain(
      'phases[0].duration: "10x" is not a duration of at most 30 days (use "500ms", "30s", "2m" or "1m30s")',
    );
  });
});

function tryParse(text: string, extension: string): unknown {
  try {
    return extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch {
    return undefined;
  }
}
