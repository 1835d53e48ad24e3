import { buildTimeline } from '../../harness/scenario/timeline.ts';
import { readdir } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../harness/errors/ordeal-error.ts';
import { loadScenario } from '../../harness/scenario/load-scenario.ts';
import { withBundledStackReads } from '../../harness/providers/bundled-stack/bundled-check-reads.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const minimal = {
  name: 'ok',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  requests: [{ path: '/' }],
  phases: [{ name: 'a', duration: '1s', rate: 5 }],
};

function messageOf(data: unknown): string {
  try {
    validateScenario(data);
  } catch (error) {
    expect(error).toBeInstanceOf(OrdealError);
    expect((error as OrdealError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('validateScenario', () => {
  it('fills in the defaults: loopback allowlist and the published targets', () => {
    const scenario = validateScenario(minimal);
    expect(scenario.target.allowlist).toEqual(['127.0.0.0/8', '::1', 'localhost']);
    expect(scenario.slos).toEqual([{ http_req_duration: ['p(95)<500', 'p(99)<1000'], http_req_failed: ['rate<0.01'] }]);
  });

  it('names the path, the value and the fix for a bad duration', () => {
    const message = messageOf({ ...minimal, phases: [{ name: 'a', duration: '10x', rate: 5 }] });
    expect(message).toContain(
      'phases[0].duration: "10x" is not a duration of at most 30 days (use "500ms", "30s", "2m" or "1m30s")',
    );
  });

  it('names an unknown fault kind and lists the known ones', () => {
    const message = messageOf({
      ...minimal,
      phases: [{ name: 'a', duration: '1s', rate: 5, faults: [{ proxy: 'db', kind: 'lag' }] }],
    });
    expect(message).toMatch(
      /phases\[0\]\.faults\[0\]\.kind: "lag" .*latency, bandwidth, timeout, reset_peer, slow_close, slicer, limit_data, down/,
    );
  });

  it('refuses thresholds that k6 would not read, and SLOs naming no phase', () => {
    const message = messageOf({
      ...minimal,
      slos: [{ phases: ['peak'], http_req_duration: ['p95<500'], http_req_failed: ['p(95)<1'] }],
    });
    expect(message).toContain('slos[0].phases[0]: "peak" names no phase (phases are: a)');
    expect(message).toContain('slos[0].http_req_duration[0]: "p95<500" is not a threshold for http_req_duration');
    expect(message).toContain('slos[0].http_req_failed[0]: "p(95)<1" is not a threshold for http_req_failed');
  });

  it('applies safety limits to every scenario: a maximum rate and a maximum duration', () => {
    expect(messageOf({ ...minimal, phases: [{ name: 'a', duration: '1s', rate: { from: 10, to: 9_000 } }] })).toContain(
      'phases[0].rate: {"from":10,"to":9000} exceeds limits.maxRatePerSec (5000 req/s; raise it deliberately if you mean it)',
    );
    expect(messageOf({ ...minimal, phases: [{ name: 'a', duration: '3h', rate: 1 }] })).toContain(
      'phases: would run for 180m1s (each phase lasts at least 1s, warm-up included), more than limits.maxDuration (2h',
    );
    expect(
      validateScenario({
        ...minimal,
        limits: { maxRatePerSec: 20_000 },
        phases: [{ name: 'a', duration: '1s', rate: 9_000 }],
      }).limits.maxRatePerSec,
    ).toBe(20_000);
  });

  it('refuses duplicate phase names and unknown fields', () => {
    expect(messageOf({ ...minimal, phases: [minimal.phases[0], minimal.phases[0]] })).toContain(
      'phases[1].name: "a" is used by an earlier phase',
    );
    expect(messageOf({ ...minimal, phasez: [] })).toContain('unknown field "phasez"');
  });

  it('never throws anything but a clear OrdealError on random input (fuzzed)', () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        try {
          validateScenario(data);
        } catch (error) {
          return error instanceof OrdealError && /is not a valid scenario:\n {2}\S/.test(error.message);
        }
        return true;
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws anything but a clear OrdealError on mutated scenarios (fuzzed)', () => {
    const mutation = fc.record({
      key: fc.constantFrom('name', 'requests', 'phases', 'target', 'load', 'slos', 'stack'),
      value: fc.anything(),
    });
    fc.assert(
      fc.property(mutation, ({ key, value }) => {
        try {
          validateScenario({ ...minimal, [key]: value });
        } catch (error) {
          return error instanceof OrdealError && error.message.includes(key);
        }
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('report.checkpointEvery', () => {
  it('is at least a second: a typo like "100ms" would rewrite every report ten times a second', () => {
    const scenario = (checkpointEvery: string) => ({
      name: 'checkpoints',
      target: { baseUrl: 'http://127.0.0.1:8080' },
      requests: [{ path: '/' }],
      phases: [{ name: 'steady', duration: '10s', rate: 1 }],
      report: { checkpointEvery },
    });
    expect(validateScenario(scenario('2s')).report.checkpointEvery).toMatchObject({ text: '2s', ms: 2_000 });
    expect(() => validateScenario(scenario('100ms'))).toThrow(
      /report\.checkpointEvery: "100ms" is not a duration of at least 1s/,
    );
  });
});

describe('loadScenario', () => {
  it('loads every bundled scenario', async () => {
    const files = (await readdir('scenarios')).filter((f) => f.endsWith('.ts') && f !== 'trading-requests.ts');
    expect(files.sort()).toEqual([
      'dependency-latency.ts',
      'game-day.ts',
      'hours-12-18.ts',
      'market-data-clock-skew.ts',
      'peak-load.ts',
      'primary-failover.ts',
      'primary-killed.ts',
    ]);
    for (const file of files) expect((await loadScenario(`scenarios/${file}`)).phases.length).toBeGreaterThan(0);
  });

  it('hours-12-18 is the six-hour window whole, and ten minutes at --time-scale 0.0278', async () => {
    const scenario = await loadScenario('scenarios/hours-12-18.ts');
    expect(buildTimeline(scenario).totalDurationMs).toBe(6 * 3_600_000);
    expect(Math.round(buildTimeline(scenario, 0.0278).totalDurationMs / 60_000)).toBe(10);
    expect(scenario.checks.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['autoscaling', 'breaker', 'failover', 'alert', 'drift']),
    );
  });

  it('reads YAML and JSON alike', async () => {
    const yaml = await writeTempScenario(
      'name: y\ntarget: { baseUrl: "http://127.0.0.1:9" }\nrequests: [{ path: / }]\nphases:\n  - { name: a, duration: 2s, rate: 3 }\n',
      's.yaml',
    );
    expect((await loadScenario(yaml.file)).phases[0]).toMatchObject({
      name: 'a',
      duration: { text: '2s', ms: 2_000 },
      rate: 3,
    });
    const json = await writeTempScenario(minimal);
    expect((await loadScenario(json.file)).name).toBe('ok');
  });

  it('says what is wrong with an unreadable file', async () => {
    const broken = await writeTempScenario('{ "name": ', 'broken.json');
    await expect(loadScenario(broken.file)).rejects.toThrow(/cannot be read as a scenario/);
    await expect(loadScenario('nope/missing.ts')).rejects.toThrow(/no such scenario file/);
    const text = await writeTempScenario('hello', 'notes.txt');
    await expect(loadScenario(text.file)).rejects.toThrow(/is not a scenario format/);
  });
});

describe('checks on your own service say what they read (no silent demo defaults)', () => {
  const own = { ...minimal, prometheus: { url: 'http://127.0.0.1:9090' } };

  it.each([
    [
      { kind: 'breaker', phase: 'a', opensWithin: '5s' },
      'checks[0].query: is required for a breaker check on your own service',
    ],
    [
      { kind: 'breaker', phase: 'a', opensWithin: '5s', source: 'scrape' },
      'checks[0].metric: is required to read a breaker from /metrics',
    ],
    [
      { kind: 'breaker', phase: 'a', opensWithin: '5s', preset: 'resilience4j' },
      'checks[0].breaker: is required by preset "resilience4j"',
    ],
    [{ kind: 'failover', phase: 'a' }, 'checks[0].replicaQuery: is required for a failover check on your own service'],
    [
      { kind: 'autoscaling', phase: 'a', atLeast: 2, within: '10s' },
      'checks[0].query: is required for an autoscaling check on your own service',
    ],
    [{ kind: 'resources', phases: ['a'] }, 'checks[0].cpuQuery: is required for a resources check on your own service'],
    [
      { kind: 'failover', phase: 'a', replicaQuery: 'sum(rate(x_total{target="b"}[5s]))', minShare: 0.5 },
      'checks[0].totalQuery: is required by minShare',
    ],
  ])('%o is refused, naming the field and what to write', (check, expected) => {
    expect(messageOf({ ...own, checks: [check] })).toContain(expected);
  });

  it('two ways of reading one breaker are refused', () => {
    expect(
      messageOf({
        ...own,
        checks: [
          { kind: 'breaker', phase: 'a', opensWithin: '5s', breaker: 'b', preset: 'resilience4j', query: 'max(x)' },
        ],
      }),
    ).toMatch(/checks\[0\]: "preset and query" are two ways of reading the same breaker/);
  });

  it("the bundled stack's provider fills in its own metric names, and only there; the schema fills in none", () => {
    const validated = validateScenario({
      name: 'b',
      stack: { kind: 'bundled' },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '1s', rate: 5 }],
      checks: [
        { kind: 'breaker', phase: 'a', opensWithin: '5s' },
        { kind: 'failover', phase: 'a' },
      ],
    });
    // The scenario format assumes no demo: validated, the checks read nothing yet.
    expect(validated.checks[1]).not.toHaveProperty('replicaQuery');
    const bundled = withBundledStackReads(validated);
    expect(bundled.checks[0]).toMatchObject({
      breaker: 'market-data',
      query: 'max(circuit_breaker_state{breaker="market-data"})',
    });
    expect(bundled.checks[1]).toMatchObject({ replicaQuery: expect.stringContaining('ledger_requests_total') });
    const mine = validateScenario({
      ...own,
      checks: [{ kind: 'failover', phase: 'a', replicaQuery: 'sum(rate(bank_calls_total{target="secondary"}[10s]))' }],
    });
    expect(withBundledStackReads(mine)).toBe(mine);
    expect(mine.checks[0]).toMatchObject({ replicaQuery: 'sum(rate(bank_calls_total{target="secondary"}[10s]))' });
  });
});

describe('a duration no clock can time', () => {
  it('a 400-digit duration is refused naming the field and the limit, not "InfinitymNaNs"', () => {
    const huge = `${'9'.repeat(400)}s`;
    expect(() =>
      validateScenario({
        name: 'huge',
        target: { baseUrl: 'http://127.0.0.1:1' },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: huge, rate: 1 }],
        slos: [],
      }),
    ).toThrow(/phases\[0\]\.duration: "9+\.\.\. is not a duration of at most 30 days/);
  });
});

describe('a scenario nested deeper than anyone writes', () => {
  it('a request body 200,000 levels deep is refused naming the field and the limit (was a stack overflow, exit 3)', () => {
    let body: unknown = 1;
    for (let i = 0; i < 200_000; i++) body = { a: body };
    let message = '';
    try {
      validateScenario({
        name: 'deep',
        target: { baseUrl: 'http://127.0.0.1:1' },
        requests: [{ method: 'POST', path: '/', body }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
        slos: [],
      });
    } catch (error) {
      expect(error).toBeInstanceOf(OrdealError);
      expect((error as OrdealError).exitCode).toBe(2);
      message = (error as Error).message;
    }
    expect(message).toMatch(/requests\[0\]\.body: nests deeper than 64 levels/);
  });
});
