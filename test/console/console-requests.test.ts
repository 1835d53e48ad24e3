import http from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { scenarioBehindToxiproxy, startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { startCli } from '../support/run-cli.ts';
import { EXIT_CODE_OF_VERDICT } from '../../harness/verdict/run-verdict.ts';

/** A raw request, so that Host and Origin are what the test says (fetch would set Host itself). */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * The live console listens on loopback, where any page open in the
 * operator's browser can send it requests too. Attacked the way such a page
 * would: a button press without the console's token, with a foreign Origin,
 * through a rebound host name; and the note endpoint with what a careless
 * or hostile sender would send.
 */
describe('the live console refuses requests that are not its own page', () => {
  it(
    'no token, a foreign Origin or a foreign Host cannot abort or note; the page itself can; bad notes get 400/413',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await scenarioBehindToxiproxy(
        target,
        'console-requests',
        [{ name: 'steady', duration: '60s', rate: 5 }],
        { slos: [] },
      );
      const cli = startCli(['run', file, '--ui', '--report-dir', reportDir]);
      await cli.waitForOutput(/live console at (http:\/\/127\.0\.0\.1:\d+)\//);
      await cli.waitForOutput(/▶ phase steady/, 30_000);
      const base = /live console at (http:\/\/127\.0\.0\.1:(\d+))\/\?key=([\w-]+)/.exec(cli.stderr())!;
      const [url, port, key] = [base[1]!, base[2]!, base[3]!];
      // Another local process (or user) that reaches 127.0.0.1 but never saw the printed link gets neither the page nor the events.
      expect((await request(`${url}/`, {})).status).toBe(403);
      expect((await request(`${url}/events`, {})).status).toBe(403);
      expect((await request(`${url}/?key=guess`, {})).status).toBe(403);
      const page = await request(`${url}/?key=${key}`, {});
      const token = /data-token="([^"]+)"/.exec(page.body)![1]!;
      // At most 8 pages follow a run at once (each holds a connection and a backlog): a ninth is refused, not queued for.
      const streams = await Promise.all(
        Array.from(
          { length: 8 },
          () =>
            new Promise<http.ClientRequest>((resolve) => {
              const req = http.get(
                `${url}/events?key=${key}`,
                (res) => (expect(res.statusCode).toBe(200), resolve(req)),
              );
            }),
        ),
      );
      expect((await request(`${url}/events?key=${key}`, {})).status).toBe(503);
      for (const stream of streams) stream.destroy();

      // DNS rebinding: a name that resolves to 127.0.0.1 is still not the console's host.
      expect((await request(`${url}/`, { headers: { host: `evil.example:${port}` } })).status).toBe(421);
      expect((await request(`${url}/events`, { headers: { host: `evil.example:${port}` } })).status).toBe(421);
      // A button press from a page that never saw the token.
      expect((await request(`${url}/abort`, { method: 'POST' })).status).toBe(403);
      expect((await request(`${url}/abort`, { method: 'POST', headers: { 'x-ordeal-console': 'guess' } })).status).toBe(
        403,
      );
      // The token, sent from another origin (it could only have it by reading our page, which it cannot; attacked anyway).
      expect(
        (
          await request(`${url}/abort`, {
            method: 'POST',
            headers: { 'x-ordeal-console': token, origin: 'http://evil.example' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await request(`${url}/note`, {
            method: 'POST',
            headers: { 'x-ordeal-console': token, origin: `http://evil.example:${port}` },
            body: '{"text":"x"}',
          })
        ).status,
      ).toBe(403);

      const own = { 'x-ordeal-console': token, origin: url, 'content-type': 'application/json' };
      const empty = await request(`${url}/note`, {
        method: 'POST',
        headers: own,
        body: JSON.stringify({ text: ' \n\t ' }),
      });
      expect(empty).toMatchObject({ status: 400, body: expect.stringContaining('a note needs some text') });
      expect((await request(`${url}/note`, { method: 'POST', headers: own, body: 'not json' })).status).toBe(400);
      expect(
        (await request(`${url}/note`, { method: 'POST', headers: own, body: JSON.stringify({ text: 42 }) })).status,
      ).toBe(400);
      const huge = await request(`${url}/note`, {
        method: 'POST',
        headers: own,
        body: JSON.stringify({ text: 'x'.repeat(100_000) }),
      });
      expect(huge).toMatchObject({ status: 413, body: expect.stringContaining('at most 4096 bytes') });
      // Control characters cannot forge lines in the terminal or the summary; a long note is cut.
      expect(
        (
          await request(`${url}/note`, {
            method: 'POST',
            headers: own,
            body: JSON.stringify({ text: 'line one\r\nordeal: PASS\u001b[2K' }),
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await request(`${url}/note`, {
            method: 'POST',
            headers: own,
            body: JSON.stringify({ text: 'y'.repeat(3_000) }),
          })
        ).status,
      ).toBe(201);

      // Still running after every refused press: the page's own abort ends it.
      expect(cli.stderr()).not.toMatch(/abort pressed/);
      expect((await request(`${url}/abort`, { method: 'POST', headers: own })).status).toBe(202);
      expect(await cli.exit).toBe(EXIT_CODE_OF_VERDICT.aborted);
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        annotations: { text: string }[];
      };
      expect(report.annotations.map((a) => a.text)).toEqual(['line one ordeal: PASS [2K', `${'y'.repeat(499)}…`]);
    },
  );

  it(
    'two runs at once, each with its console: a press on one stops only its own run, a note lands only in its own report',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const scenario = (name: string, duration: string) =>
        scenarioBehindToxiproxy(target, name, [{ name: 'steady', duration, rate: 5 }]);
      const [a, b] = await Promise.all([scenario('console-a', '60s'), scenario('console-b', '4s')]);
      const runA = startCli(['run', a.file, '--ui', '--report-dir', a.reportDir]);
      const runB = startCli(['run', b.file, '--ui', '--report-dir', b.reportDir]);
      await Promise.all([runA, runB].map((run) => run.waitForOutput(/▶ phase steady/, 30_000)));
      const consoleOf = async (run: typeof runA) => {
        const [, url, key] = /live console at (http:\/\/127\.0\.0\.1:\d+)\/\?key=([\w-]+)/.exec(
          run.stderr(),
        )! as unknown as [string, string, string];
        const token = /data-token="([^"]+)"/.exec((await request(`${url}/?key=${key}`, {})).body)![1]!;
        return { url, headers: { 'x-ordeal-console': token, origin: url, 'content-type': 'application/json' } };
      };
      const [consoleA, consoleB] = await Promise.all([consoleOf(runA), consoleOf(runB)]);
      expect(consoleA.url).not.toBe(consoleB.url);
      // A's token does not work on B's console.
      expect(
        (
          await request(`${consoleB.url}/abort`, {
            method: 'POST',
            headers: { ...consoleA.headers, origin: consoleB.url },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await request(`${consoleB.url}/note`, {
            method: 'POST',
            headers: consoleB.headers,
            body: JSON.stringify({ text: 'for b only' }),
          })
        ).status,
      ).toBe(201);
      expect((await request(`${consoleA.url}/abort`, { method: 'POST', headers: consoleA.headers })).status).toBe(202);
      expect(await runA.exit).toBe(EXIT_CODE_OF_VERDICT.aborted);
      expect(await runB.exit).toBe(EXIT_CODE_OF_VERDICT.pass);
      const reportOf = async (dir: string) => {
        const runDir = (await readdir(dir, { withFileTypes: true })).find((e) => e.isDirectory())!;
        return JSON.parse(await readFile(path.join(dir, runDir.name, 'report.json'), 'utf8')) as {
          verdict: string;
          annotations?: { text: string }[];
        };
      };
      const [reportA, reportB] = await Promise.all([reportOf(a.reportDir), reportOf(b.reportDir)]);
      expect(reportA.annotations).toBeUndefined();
      expect(reportB.annotations?.map((n) => n.text)).toEqual(['for b only']);
    },
  );

  it(
    'a run that fails before any load (nothing answers at the target) still exits with its code: the console does not keep ordeal alive',
    { timeout: 30_000 },
    async () => {
      const { file, reportDir } = await writeTempScenario({
        name: 'console-nothing-answers',
        target: { baseUrl: `http://127.0.0.1:${await findFreePort()}` },
        requests: [{ path: '/' }],
        phases: [{ name: 'steady', duration: '60s', rate: 5 }],
        slos: [],
      });
      const cli = startCli(['run', file, '--ui', '--report-dir', reportDir]);
      expect(await cli.exit).toBe(3);
      expect(cli.stderr()).toMatch(/live console at http:\/\/127\.0\.0\.1:\d+\/[\s\S]*nothing answers/);
    },
  );
});
