import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const TSC = path.resolve('node_modules/typescript/bin/tsc');
const SECRET = 'static-secret-c0ffee-42';

const YAML = `name: shop-export
target: { baseUrl: http://127.0.0.1:8080 }
load: { model: closed }
data: { file: accounts.csv, order: sequential }
setup:
  steps:
    - { name: admin, method: POST, path: /login, body: { user: admin, password: '{{ env.ADMIN_PASSWORD }}' }, capture: { adminToken: { json: token } } }
flows:
  - name: buy
    thinkTime: { min: 100ms, max: 300ms }
    steps:
      - name: login
        method: POST
        path: /login
        body: { user: '{{ data.user }}', password: '{{ data.password }}' }
        capture: { token: { json: $.token }, where: { header: Location }, n: { regex: 'n=(\\d+)' } }
        expect: { status: [200] }
      - name: order
        method: POST
        path: /orders
        headers: { Authorization: 'Bearer {{ token }}', x-admin: '{{ adminToken }}', Cookie: '${SECRET}' }
        body: { ref: '{{ uuid }}', qty: '{{ randomInt(1, 5) }}', at: '{{ isoTime }}' }
        capture: { orderId: { json: 'order.id' } }
      - { name: status, path: '/orders/{{ orderId }}', headers: { Authorization: 'Bearer {{ token }}' } }
phases:
  - { name: peak, duration: 30s, vus: 5 }
slos:
  - 'http_req_duration{name:order}': ['p(95)<300']
`;

describe('ordeal export k6 of flows', () => {
  it('renders setup, flows, captures, data (SharedArray) and env (from __ENV), type-checks against @types/k6, and bakes in no secret', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-flows-'));
    await writeFile(path.join(dir, 'shop.yaml'), YAML);
    await writeFile(path.join(dir, 'accounts.csv'), 'user,password\nann,pw-ann\n');
    const out = path.join(dir, 'shop.ts');
    const run = await runCli(['export', 'k6', path.join(dir, 'shop.yaml'), '--out', out]);
    expect(run.stderr).toContain(`wrote ${out}`);
    expect(run.code).toBe(0);
    const script = await readFile(out, 'utf8');
    expect(script).not.toContain(SECRET);
    expect(script).toContain('env("ADMIN_PASSWORD")');
    expect(script).toContain('"Cookie": env("ORDEAL_HEADER_COOKIE")');
    expect(script).toContain('-e ORDEAL_HEADER_COOKIE=…');
    expect(script).toContain('new SharedArray("accounts.csv"');
    expect(script).toContain('export function setup(): Vars');
    expect(script).toContain('"http_req_duration{phase:peak,name:order}"');
    expect(script).toContain('responseCallback: http.expectedStatuses(200)');
    expect(script).toMatch(/sleep\(0\.100 \+ Math\.random\(\) \* 0\.200\)/);
    await copyFile(path.resolve('scenarios/k6/tsconfig.json'), path.join(dir, 'tsconfig.json'));
    const check = spawnSync(
      process.execPath,
      [TSC, '-p', path.join(dir, 'tsconfig.json'), '--typeRoots', path.resolve('node_modules/@types')],
      { encoding: 'utf8' },
    );
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('refuses a k6-operator manifest of flows, saying what to do instead', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-flows-'));
    await writeFile(path.join(dir, 'shop.yaml'), YAML);
    await writeFile(path.join(dir, 'accounts.csv'), 'user,password\nann,pw-ann\n');
    const run = await runCli(['export', 'k6-operator', path.join(dir, 'shop.yaml'), '--parallelism', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('exported as a k6 script (ordeal export k6)');
  });
});
