import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer } from '../support/test-server.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('ordeal run keeps what it promises', () => {
  it('refuses a --report-dir that is a file before sending anything (exit 2)', async () => {
    const target = await startCountingServer();
    try {
      const { file, reportDir } = await writeTempScenario({
        name: 'nowhere',
        target: { baseUrl: target.url },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5 }],
      });
      await writeFile(reportDir, 'not a folder');
      const run = await runCli(['run', file, '--report-dir', reportDir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--report-dir: "${reportDir}" is a file, not a folder`);
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('writes the report to a fallback folder, and says where, when the report folder is gone by the end', async () => {
    const target = await startCountingServer();
    try {
      // About the report folder, not the generator (the file shares the machine): send lag is judged loosely.
      const { file, reportDir } = await writeTempScenario({
        name: 'lost-folder',
        target: { baseUrl: target.url },
        requests: [{ path: '/' }],
        load: notAboutTheGenerator({ warmup: false }),
        phases: [{ name: 'p', duration: '2s', rate: 5 }],
      });
      const run = startCli(['run', file, '--report-dir', reportDir]);
      await run.waitForOutput(/▶ phase p/);
      await rm(reportDir, { recursive: true, force: true });
      await writeFile(reportDir, 'a file where the folder was');
      const code = await run.exit;
      const said = /writing it into (\S+) instead/.exec(run.stderr());
      expect(said, run.stderr()).not.toBeNull();
      expect(code).not.toBe(3);
      const runId = /run (\S+) against/.exec(run.stderr())![1]!;
      const report = JSON.parse(await readFile(path.join(said![1]!, runId, 'report.json'), 'utf8'));
      expect(report.phases[0].requests).toBe(10);
    } finally {
      await target.close();
    }
  });

  it('handles SIGHUP like SIGTERM: faults removed, the report says which signal, exit 129', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const { file, reportDir } = await writeTempScenario({
      name: 'hangup',
      target: { baseUrl: target.baseUrl },
      toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
      requests: [{ path: '/' }],
      phases: [
        { name: 'chaos', duration: '20s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 10 }] },
      ],
    });
    const run = startCli(['run', file, '--report-dir', reportDir]);
    await run.waitForOutput(/fault on: api latency/);
    run.child.kill('SIGHUP');
    expect(await run.exit).toBe(129);
    expect(run.stderr()).toContain('SIGHUP: stopping load, removing faults, writing the report');
    const report = await readOnlyReport(reportDir);
    expect(report.verdict, report.verdictReason).toBe('aborted');
    expect(report.verdictReason).toBe('stopped by SIGHUP');
    expect((await toxiproxyState(target.toxiproxy.url)).flatMap((p) => p.toxics)).toEqual([]);
  });

  it('uses credentials in a Toxiproxy URL, and never prints or writes the password', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    // An authenticating reverse proxy in front of the real Toxiproxy API.
    const expected = `Basic ${Buffer.from('ordeal:s3cr3t-pa55').toString('base64')}`;
    let refused = 0;
    const gate = await startTestServer(async (request, response) => {
      if (request.headers.authorization !== expected) {
        refused += 1;
        return void response.writeHead(401).end();
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const upstream = await fetch(`${target.toxiproxy.url}${request.url}`, {
        method: request.method,
        headers: { 'content-type': 'application/json' },
        body: body.length > 0 ? body : undefined,
      });
      response
        .writeHead(upstream.status, { 'content-type': 'application/json' })
        .end(Buffer.from(await upstream.arrayBuffer()));
    });
    try {
      const gateUrl = `http://ordeal:s3cr3t-pa55@127.0.0.1:${gate.port}`;
      const stateDir = path.join(os.tmpdir(), `ordeal-creds-${process.pid}`);
      await mkdir(stateDir, { recursive: true });
      const { file, reportDir } = await writeTempScenario({
        name: 'credentials',
        target: { baseUrl: target.baseUrl },
        toxiproxy: { proxies: [target.proxy] },
        requests: [{ path: '/' }],
        // Not a test of the generator: it shares the machine with other test files, so its send lag may be judged loosely.
        load: notAboutTheGenerator({ warmup: false }),
        phases: [
          { name: 'chaos', duration: '1s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 5 }] },
        ],
        slos: [{ http_req_failed: ['rate<0.1'] }],
      });
      const run = await runCli(['run', file, '--report-dir', reportDir, '--toxiproxy', gateUrl], {
        ORDEAL_STATE_DIR: stateDir,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(refused).toBe(0);
      expect((await toxiproxyState(target.toxiproxy.url)).flatMap((p) => p.toxics)).toEqual([]);
      expect(run.stdout + run.stderr).not.toContain('s3cr3t-pa55');
      for (const written of [...(await filesUnder(reportDir)), ...(await filesUnder(stateDir))]) {
        expect(await readFile(written, 'utf8'), written).not.toContain('s3cr3t-pa55');
      }
      // A wrong password is refused by the gate, and the message shows the URL without it.
      const wrong = await runCli(
        ['run', file, '--report-dir', reportDir, '--toxiproxy', gateUrl.replace('s3cr3t-pa55', 'guess-me')],
        { ORDEAL_STATE_DIR: stateDir },
      );
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain('ordeal:***@127.0.0.1');
      expect(wrong.stderr).not.toContain('guess-me');
    } finally {
      await gate.close();
    }
  });

  it('refuses a baseline that is not a report before sending anything (exit 2)', async () => {
    const target = await startCountingServer();
    const { file } = await writeTempScenario({
      name: 'with-baseline',
      target: { baseUrl: target.url },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '1s', rate: 5 }],
    });
    const run = await runCli(['run', file, '--baseline', '/nonexistent/report.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--baseline: "/nonexistent/report.json" cannot be read as a report.json (no such file',
    );
    expect(target.connections()).toBe(0);
    await target.close();
  });
});
