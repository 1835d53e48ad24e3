import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { notAboutTheGeneratorYaml } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NPM = 'npm';
const VITEST_VERSION = (
  JSON.parse(
    execFileSync(process.execPath, ['-p', 'JSON.stringify(require("vitest/package.json"))'], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  ) as { version: string }
).version;

/** Files under `dir` modified after `sinceMs`. */
async function changedSince(dir: string, sinceMs: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && (await stat(file)).mtimeMs > sinceMs) out.push(file);
  }
  return out;
}

/** Runs a command without blocking this process (the test's own servers answer meanwhile). */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...env },
      timeout: 120_000,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

let project: string;

/** tsc -p `tsconfig` in the consumer project: no output, exit 0. */
async function expectTypeChecks(tsconfig: string): Promise<void> {
  const tsc = await run(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig],
    project,
  );
  expect(tsc.out.trim()).toBe('');
  expect(tsc.code).toBe(0);
}
let fast: TestServer;
let slow: TestServer;
const urlOf = (server: TestServer): string => server.url;

beforeAll(async () => {
  const listen = (delayMs: number): Promise<TestServer> =>
    startTestServer((_req, res) => setTimeout(() => res.end('ok'), delayMs));
  // 400 ms: a FAIL of p(99)<100 even beside a busy loop, where ordeal's own lateness (124 ms once) widens what it can tell.
  [fast, slow] = await Promise.all([listen(0), listen(400)]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-package-'));
  // npm pack runs the build (prepare): the tarball holds dist/, bin/, the schema and the README.
  const packed = execFileSync(NPM, ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  project = path.join(dir, 'consumer');
  await mkdir(project);
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const install = await run(
    NPM,
    ['install', path.join(dir, packed), '--no-audit', '--no-fund', '--prefer-offline'],
    project,
  );
  expect(install.code, install.out).toBe(0);
}, 240_000);

afterAll(async () => {
  await Promise.all([fast, slow].map((s) => s?.close()));
});

describe('ordeal installed from its tarball into a fresh project (npm install, no flags)', () => {
  it('installs small: node_modules at most 45 MB, without testcontainers or opossum (optional peers, named when needed)', async () => {
    const du = await run('du', ['-sk', 'node_modules'], project);
    const sizeMb = Number(du.out.split(/\s/)[0]) / 1024;
    expect(sizeMb).toBeGreaterThan(5);
    expect(sizeMb).toBeLessThanOrEqual(45);
    const installed = await readdir(path.join(project, 'node_modules'));
    expect(installed).toContain('ordeal');
    expect(installed).not.toContain('testcontainers');
    expect(installed).not.toContain('opossum');
  });

  it('npx ordeal plan and run a YAML scenario against a local server; nothing is written under node_modules', async () => {
    const start = Date.now();
    await writeFile(
      path.join(project, 'smoke.yaml'),
      `name: smoke\ntarget: { baseUrl: ${urlOf(fast)} }\nload: ${notAboutTheGeneratorYaml({ warmup: false })}\nrequests: [{ path: / }]\nphases: [{ name: p, duration: 1s, rate: 20 }]\nslos: [{ http_req_failed: ['rate<0.01'] }]\n`,
    );
    // `ordeal --help` loads commander and ordeal's CLI, nothing heavier (zod alone is ~90 modules and 0.15 s).
    const hook = `data:text/javascript,${encodeURIComponent('export async function load(u,c,n){if(!u.startsWith("node:"))process.stderr.write("LOADED "+u+"\\n");return n(u,c);}')}`;
    const counting = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`;
    const help = await run(
      process.execPath,
      ['--import', counting, 'node_modules/ordeal/bin/ordeal.mjs', '--help'],
      project,
    );
    expect(help.code).toBe(0);
    const loaded = [...help.out.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]!);
    expect(loaded.filter((url) => url.includes('/node_modules/ordeal/'))).not.toEqual([]);
    expect(loaded.filter((url) => !/\/node_modules\/(ordeal|commander)\//.test(url))).toEqual([]);
    const plan = await run('npx', ['ordeal', 'plan', 'smoke.yaml'], project);
    expect(plan.out).toContain('scenario smoke: 1 phases');
    expect(plan.code).toBe(0);
    const result = await run('npx', ['ordeal', 'run', 'smoke.yaml', '--report-dir', 'reports'], project);
    expect(result.out).toContain('verdict: PASS');
    expect(result.code).toBe(0);
    expect(await changedSince(path.join(project, 'node_modules'), start)).toEqual([]);
    // The demo stack needs opossum, an optional peer: without it, a message saying so before anything starts (exit 3).
    await writeFile(
      path.join(project, 'demo.yaml'),
      `name: demo\nstack: { kind: bundled }\nrequests: [{ path: /api/quotes/ACME }]\nphases: [{ name: p, duration: 1s, rate: 5 }]\nslos: []\n`,
    );
    const demo = await run('npx', ['ordeal', 'run', 'demo.yaml', '--report-dir', 'reports'], project);
    expect(demo.out).toContain('the bundled stack needs opossum');
    expect(demo.out).toContain('npm install opossum');
    expect(demo.code).toBe(3);
    // Toxiproxy in a container needs testcontainers, the other optional peer: named, before any load (exit 3).
    const listen = `127.0.0.1:${await findFreePort()}`;
    await writeFile(
      path.join(project, 'faulted.yaml'),
      `name: faulted\ntarget: { baseUrl: 'http://${listen}' }\ntoxiproxy: { proxies: [{ name: api, listen: '${listen}', upstream: '${new URL(urlOf(fast)).host}' }] }\nrequests: [{ path: / }]\nphases: [{ name: p, duration: 1s, rate: 5, faults: [{ proxy: api, kind: down }] }]\nslos: []\n`,
    );
    const container = await run(
      'npx',
      ['ordeal', 'run', 'faulted.yaml', '--report-dir', 'reports', '--toxiproxy-provider', 'container'],
      project,
    );
    expect(container.out).toContain(
      'the container provider needs the testcontainers package (npm install testcontainers)',
    );
    expect(container.code).toBe(3);
  });

  it("import { runScenario } from 'ordeal' works from plain JavaScript, with the input form, and type-checks from strict TypeScript", async () => {
    await writeFile(
      path.join(project, 'gate.mjs'),
      `import { runScenario, defineScenario } from 'ordeal';\nconst report = await runScenario(defineScenario({ name: 'lib', target: { baseUrl: '${urlOf(fast)}' }, load: ${notAboutTheGeneratorYaml({ warmup: false })}, requests: [{ path: '/' }], phases: [{ name: 'p', duration: '1s', rate: 10 }], slos: [{ http_req_failed: ['rate<0.01'] }] }));\nconsole.log('verdict', report.verdict, report.phases[0].requests);\n`,
    );
    const js = await run(process.execPath, ['gate.mjs'], project);
    expect(js.out).toContain('verdict pass 10');
    await writeFile(
      path.join(project, 'gate.ts'),
      `import { runScenario, defineScenario, type RunReport, type CheckResult, type PhaseReport } from 'ordeal';\nconst report: RunReport = await runScenario(defineScenario({ name: 'lib', target: { baseUrl: 'http://127.0.0.1:1' }, requests: [{ path: '/' }], phases: [{ name: 'p', duration: '1s', rate: 10 }] }));\nconst checks: CheckResult[] = report.checks;\nconst phases: PhaseReport[] = report.phases;\nexport const n: number = checks.length + phases.length;\n`,
    );
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        files: ['gate.ts'],
      }),
    );
    await expectTypeChecks('tsconfig.json');
  });

  // An npm install and two vitest runs: 26 s alone, over 60 s beside two other slow files.
  it(
    "ordeal/vitest: the README's library examples type-check against it; a gate passes on a healthy target and fails on a slow one, saying observed vs expected and where",
    { timeout: 150_000 },
    async () => {
      const install = await run(
        NPM,
        ['install', `vitest@${VITEST_VERSION}`, '--no-save', '--no-audit', '--no-fund', '--prefer-offline'],
        project,
      );
      expect(install.code, install.out).toBe(0);
      // The README's library examples type-check against the installed package, strict (vitest's types now here).
      const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
      const examples = [...readme.matchAll(/<!-- library-example[^>]*-->\n```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(examples.length).toBeGreaterThanOrEqual(2);
      const exampleFiles = examples.map((_, i) => `readme-example-${i}.mts`);
      await Promise.all(examples.map((code, i) => writeFile(path.join(project, exampleFiles[i]!), code)));
      await writeFile(
        path.join(project, 'tsconfig.readme.json'),
        JSON.stringify({ extends: './tsconfig.json', files: exampleFiles }),
      );
      await expectTypeChecks('tsconfig.readme.json');
      const gate = (name: string, url: string) =>
        `import { expect, it } from 'vitest';\nimport 'ordeal/vitest';\nimport { runScenario } from 'ordeal';\nit('${name}', async () => {\n  const report = await runScenario({ name: '${name}', target: { baseUrl: '${url}' }, load: ${notAboutTheGeneratorYaml({ warmup: false })}, requests: [{ path: '/' }], phases: [{ name: 'peak', duration: '1s', rate: 10 }], slos: [{ http_req_duration: ['p(99)<100'] }] });\n  expect(report).toHaveCheck('http_req_duration', 'pass');\n  expect(report).toMeetSlo('peak', 'p(99)<100');\n  expect(report).toPass();\n}, 30_000);\n`;
      await writeFile(path.join(project, 'healthy.test.mjs'), gate('healthy', urlOf(fast)));
      await writeFile(path.join(project, 'slow.test.mjs'), gate('slow', urlOf(slow)));
      const healthy = await run('npx', ['vitest', 'run', 'healthy.test.mjs'], project);
      expect(healthy.out).toMatch(/1 passed/);
      expect(healthy.code).toBe(0);
      const failing = await run('npx', ['vitest', 'run', 'slow.test.mjs'], project);
      expect(failing.code).toBe(1);
      expect(failing.out).toMatch(
        /expected check http_req_duration to be pass: peak http_req_duration p\(99\)<100: observed \d+(\.\d)? ms, expected p\(99\)<100 — FAIL; run \S+-slow-/,
      );
    },
  );
});
