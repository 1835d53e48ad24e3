import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

/** A service that writes 64 KB to a new file in `dir` per request (500 when it cannot), then deletes it. */
const WRITER = `
const fs = require('node:fs'), path = require('node:path');
const [port, dir] = process.argv.slice(1);
let n = 0;
require('node:http').createServer((q, s) => {
  const file = path.join(dir, 'req-' + process.pid + '-' + n++);
  try { fs.writeFileSync(file, Buffer.alloc(65536)); fs.rmSync(file); s.end('ok'); }
  catch (e) { try { fs.rmSync(file, { force: true }); } catch {} s.statusCode = 500; s.end(e.code); }
}).listen(Number(port), '127.0.0.1', () => console.log('listening'));
`;
const IS_ROOT = process.getuid?.() === 0;
const mounted: string[] = [];
const started: ChildProcess[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of mounted.splice(0)) spawnSync('umount', [dir]);
});

/** A small file system of its own (tmpfs, root only): filling it leaves the rest of the machine alone. */
async function smallFileSystem(sizeMb: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-fill-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) throw new Error(`mount tmpfs failed: ${mount.stderr}`);
  mounted.push(dir);
  return dir;
}

async function writerService(dir: string): Promise<string> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['-e', WRITER, String(port), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  await once(child.stdout!, 'data');
  return `http://127.0.0.1:${port}`;
}

async function fillScenario(url: string, directory: string, sizeMb: number, phases: object[]) {
  return writeTempScenario({
    name: 'disk-fill',
    target: { baseUrl: url },
    load: notAboutTheGenerator({ warmup: false, timeout: '1s' }),
    requests: [{ path: '/' }],
    phases: phases.map((phase, index) =>
      index === 0 ? { ...phase, faults: [{ kind: 'disk_fill', directory, sizeMb }] } : phase,
    ),
    slos: [{ http_req_failed: ['rate<0.05'] }],
  });
}

describe.skipIf(!IS_ROOT)(`disk_fill (issue 31)${IS_ROOT ? '' : ' (skipped: mounting a tmpfs needs root)'}`, () => {
  it(
    "fills the service's file system for its phase (it answers 500: no space) and gives it back at the end: the next phase PASSES",
    { timeout: 60_000 },
    async () => {
      const dir = await smallFileSystem(16);
      const url = await writerService(dir);
      const { file, reportDir } = await fillScenario(url, dir, 64, [
        { name: 'filled', duration: '3s', rate: 20 },
        { name: 'after', duration: '3s', rate: 20 },
      ]);
      const planned = await runCli(['plan', file], {}, 30_000);
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain(
        `phase filled: ${dir}: disk_fill 64 MB (a file of ordeal's, deleted at the phase's end)`,
      );

      const run = await runCli(['run', file, '--report-dir', reportDir], {}, 45_000);
      expect(run.code, run.stderr + run.stdout).toBe(1);
      const report = await readOnlyReport(reportDir);
      const statusOf = Object.fromEntries(
        (report['checks'] as { phase: string; status: string }[]).map((c) => [c.phase, c.status]),
      );
      expect(statusOf).toEqual({ filled: 'fail', after: 'pass' });
      expect(report['phases'][0].errorsByKind.http_5xx).toBeGreaterThan(0);
      // The file system filled before 64 MB: the report says how much went in, and that it is deleted.
      const [fault] = report['faults'] as {
        proxy: string;
        fill: { file: string; writtenMb: number; full: boolean; outcome: string };
      }[];
      expect(fault).toMatchObject({ proxy: dir, fill: { full: true, outcome: 'deleted' } });
      expect(fault!.fill.writtenMb).toBeGreaterThanOrEqual(14);
      expect(fault!.fill.writtenMb).toBeLessThanOrEqual(16);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('kill -9 of ordeal mid-fill: its watchdog deletes the file', { timeout: 60_000 }, async () => {
    const dir = await smallFileSystem(16);
    const url = await writerService(dir);
    const { file, reportDir } = await fillScenario(url, dir, 8, [{ name: 'filled', duration: '60s', rate: 5 }]);
    const run = startCli(['run', file, '--report-dir', reportDir]);
    await run.waitForOutput(/fault on: .* disk_fill/, 30_000);
    const [fill] = (await readdir(dir)).filter((name) => name.endsWith('.fill'));
    expect((await stat(path.join(dir, fill!))).size).toBe(8 * 1024 * 1024);
    run.child.kill('SIGKILL');
    const startedAt = performance.now();
    await expect
      .poll(async () => (await readdir(dir)).filter((name) => name.endsWith('.fill')), { timeout: 10_000 })
      .toEqual([]);
    console.log(
      `kill -9 of ordeal mid-fill: the fill file deleted by its watchdog after ${Math.round(performance.now() - startedAt)} ms`,
    );
  });

  it('refuses before any load: a directory that is a symlink, or not there (exit 2)', { timeout: 60_000 }, async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'ordeal-fill-'));
    await mkdir(path.join(base, 'real'));
    await symlink(path.join(base, 'real'), path.join(base, 'link'));
    const url = await writerService(path.join(base, 'real'));
    for (const [directory, said] of [
      [path.join(base, 'link'), 'a symlink'],
      [path.join(base, 'missing'), 'not there'],
    ] as const) {
      const { file } = await fillScenario(url, directory, 8, [{ name: 'p', duration: '2s', rate: 5 }]);
      const run = await runCli(['run', file], {}, 30_000);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`disk_fill.directory ${JSON.stringify(directory)} is ${said}`);
    }
    expect(await readdir(path.join(base, 'real'))).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });
});
