import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli/program.ts';
import { renderK6OperatorManifest } from '../../harness/k6/k6-operator-manifest.ts';
import { k6Options, renderK6Script } from '../../harness/k6/k6-script.ts';
import { loadScenario } from '../../harness/scenario/load-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { bufferIo } from '../support/buffer-io.ts';

const TSC = path.resolve('node_modules/typescript/bin/tsc');
const K6_TSCONFIG = path.resolve('scenarios/k6/tsconfig.json');
const BUNDLED = ['game-day', 'peak-load', 'dependency-latency', 'primary-failover'];

/** Type-checks k6 scripts in `dir` against @types/k6 with the same settings as scenarios/k6. */
async function typeCheck(dir: string): Promise<{ ok: boolean; output: string }> {
  await copyFile(K6_TSCONFIG, path.join(dir, 'tsconfig.json'));
  // @types/k6 is found through this project's node_modules.
  const result = spawnSync(
    process.execPath,
    [TSC, '-p', path.join(dir, 'tsconfig.json'), '--typeRoots', path.resolve('node_modules/@types')],
    { encoding: 'utf8' },
  );
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

const mixed = validateScenario({
  name: 'mixed',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  requests: [
    { path: '/api/quotes/ACME', weight: 3 },
    { method: 'POST', path: '/api/orders', body: { symbol: 'ACME', quantity: 1 } },
  ],
  phases: [
    { name: 'warm', duration: '30s', rate: { from: 10, to: 200 } },
    { name: 'peak', duration: '1m30s', rate: 200, faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 500 }] },
  ],
  toxiproxy: { url: 'http://127.0.0.1:8474' },
  slos: [{ phases: ['peak'], http_req_duration: ['p(95)<500', 'p(99)<1000'], http_req_failed: ['rate<0.01'] }],
});

describe('k6 scenarios in TypeScript', () => {
  it('scenarios/k6 holds the bundled scenarios exported, and they type-check against @types/k6', async () => {
    for (const name of BUNDLED) {
      const scenario = await loadScenario(`scenarios/${name}.ts`);
      const committed = await readFile(`scenarios/k6/${name}.ts`, 'utf8');
      expect(
        committed,
        `scenarios/k6/${name}.ts is stale: run ordeal export k6 scenarios/${name}.ts --out scenarios/k6/${name}.ts`,
      ).toBe(renderK6Script(scenario, { sourceName: `scenarios/${name}.ts` }));
    }
    const result = spawnSync(process.execPath, [TSC, '-p', K6_TSCONFIG], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the type-check can fail: a script with a wrong executor field is refused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-'));
    const wrong = renderK6Script(mixed).replace('"preAllocatedVUs"', '"preAllocatedVus"');
    await writeFile(path.join(dir, 'wrong.ts'), wrong);
    const result = await typeCheck(dir);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/preAllocatedVus/);
  });
});

describe('ordeal export k6', () => {
  it('one k6 scenario per phase at its startTime, arrival-rate executors, a phase tag, SLOs as tag-filtered thresholds', () => {
    const { scenarios, thresholds } = k6Options(mixed);
    expect(Object.keys(scenarios)).toEqual(['warm', 'peak']);
    expect(scenarios.warm).toMatchObject({
      executor: 'ramping-arrival-rate',
      startTime: '0s',
      startRate: 10,
      stages: [{ duration: '30s', target: 200 }],
      tags: { phase: 'warm' },
    });
    expect(scenarios.peak).toMatchObject({
      executor: 'constant-arrival-rate',
      startTime: '30s',
      rate: 200,
      timeUnit: '1s',
      duration: '1m30s',
      tags: { phase: 'peak' },
    });
    expect(thresholds).toEqual({
      'http_req_duration{phase:peak}': ['p(95)<500', 'p(99)<1000'],
      'http_req_failed{phase:peak}': ['rate<0.01'],
    });
  });

  it('writes a script that type-checks against @types/k6 (open and closed model)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-'));
    const file = path.join(dir, 'scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'closed',
        target: { baseUrl: 'http://127.0.0.1:8080' },
        load: { model: 'closed' },
        requests: [{ path: '/' }],
        phases: [{ name: 'hold', duration: '10s', vus: 20 }],
      }),
    );
    const io = bufferIo();
    expect(await runCli(['export', 'k6', file, '--out', path.join(dir, 'closed.ts')], io)).toBe(0);
    await writeFile(path.join(dir, 'mixed.ts'), renderK6Script(mixed));
    const result = await typeCheck(dir);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
    expect(await readFile(path.join(dir, 'closed.ts'), 'utf8')).toContain('"executor": "constant-vus"');
  });
});

describe('ordeal export k6 says what the script drops, and maps what k6 would refuse', () => {
  const lossy = validateScenario({
    name: 'lossy',
    target: { baseUrl: 'http://127.0.0.1:9911' },
    requests: [{ path: '/' }],
    phases: [
      { name: 'warm', duration: '5s', rate: 10 },
      { name: 'peak.1', duration: '10s', rate: 50 },
      { name: 'peak_1', duration: '5s', rate: 50 },
    ],
    slos: [{ phases: ['peak.1'], http_req_failed: ['rate<0.01'], after: '3s' }],
    guards: [{ name: 'error storm', metric: 'http_req_failed', trip: 'rate>0.5', for: '15s' }],
  });

  it('a phase name k6 refuses becomes a k6-valid scenario name (the tag and thresholds keep the phase), said in the header', () => {
    const { scenarios, thresholds } = k6Options(lossy);
    expect(Object.keys(scenarios)).toEqual(['warm', 'peak_1_2', 'peak_1']);
    for (const name of Object.keys(scenarios)) expect(name).toMatch(/^[0-9a-zA-Z_-]+$/);
    expect(scenarios.peak_1_2).toMatchObject({ tags: { phase: 'peak.1' } });
    expect(thresholds).toHaveProperty(['http_req_failed{phase:peak.1}']);
    expect(renderK6Script(lossy)).toContain(
      '// Phase "peak.1" is k6 scenario "peak_1_2" (k6 allows only letters, digits, _ and - there); its requests keep the tag phase:"peak.1".',
    );
  });

  it("the header names the SLO grace, the guard and the phase's end, line by line; BASE_URL is the scenario's", () => {
    const head = renderK6Script(lossy)
      .split('\n')
      .filter((line) => line.startsWith('//'));
    expect(head).toContain('// Run: k6 run --out json=results.json -e BASE_URL=http://127.0.0.1:9911 <this file>');
    expect(head.find((l) => l.includes('SLO grace'))).toBe(
      "// Not mapped: the SLO grace after 3s in peak.1. k6 judges each phase's thresholds from its start; ordeal judges from +3s, so k6 may fail where ordeal passes.",
    );
    expect(head.find((l) => l.includes('guard'))).toMatch(
      /^\/\/ Not mapped: guard "error storm" \(http_req_failed rate>0\.5 for 15s\)\. ordeal stops the run when it trips/,
    );
    expect(head.find((l) => l.includes('gracefulStop'))).toMatch(/drops the iterations still in flight/);
  });

  it('the mapped script type-checks against @types/k6', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-'));
    await writeFile(path.join(dir, 'lossy.ts'), renderK6Script(lossy));
    const result = await typeCheck(dir);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});

describe('ordeal export k6-operator', () => {
  it('holds the script as a literal block, says each pod judges its own share, and warns when the pods would send to their own loopback', async () => {
    const manifest = renderK6OperatorManifest(mixed, { parallelism: 3 });
    expect(manifest).toMatch(/\n {2}mixed\.ts: \|/);
    expect(manifest).toContain(
      '# Each of the 3 pods runs its share of the load and judges the thresholds on its share alone',
    );
    expect(manifest).toContain('# Warning: the pods send to http://127.0.0.1:8080, their own loopback');
    const remote = renderK6OperatorManifest(mixed, { parallelism: 3, baseUrl: 'http://gateway.default.svc:8080' });
    expect(remote).not.toContain('loopback');
    const io = bufferIo();
    expect(await runCli(['export', 'k6-operator', 'scenarios/peak-load.ts', '--parallelism', '2'], io)).toBe(0);
    expect(io.err()).toMatch(/warning: the pods would send to http:\/\/127\.0\.0\.1:\d+\/?, their own loopback/);
  });

  it('writes a ConfigMap with the script and a TestRun with the documented fields', async () => {
    const docs = parseAllDocuments(
      renderK6OperatorManifest(mixed, { parallelism: 4, baseUrl: 'http://trading-gateway.default.svc:8080' }),
    ).map((d) => d.toJS());
    const [configMap, testRun] = docs;
    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ordeal-mixed' } });
    expect(configMap.data['mixed.ts']).toBe(
      renderK6Script(mixed, { baseUrl: 'http://trading-gateway.default.svc:8080' }),
    );
    expect(testRun).toEqual({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: configMap.metadata,
      spec: {
        parallelism: 4,
        script: { configMap: { name: 'ordeal-mixed', file: 'mixed.ts' } },
        arguments: '--tag ordeal_scenario=mixed',
        runner: { env: [{ name: 'BASE_URL', value: 'http://trading-gateway.default.svc:8080' }] },
      },
    });
  });

  it('requires --parallelism, a whole number (exit 2)', async () => {
    const io = bufferIo();
    expect(await runCli(['export', 'k6-operator', 'scenarios/game-day.ts'], io)).toBe(2);
    expect(io.err()).toContain("required option '--parallelism <n>' not specified");
    const zero = bufferIo();
    expect(await runCli(['export', 'k6-operator', 'scenarios/game-day.ts', '--parallelism', '0'], zero)).toBe(2);
    expect(zero.err()).toContain('"0" is not a whole number from 1 to 10000');
  });
});
