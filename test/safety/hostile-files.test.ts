import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeLease } from '../../harness/faults/fault-lease.ts';
import { parseDurationMs } from '../../harness/notation/duration.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

/** A named pipe with no writer: a plain read of it never returns. */
const mkfifo = (file: string): void => void execFileSync('mkfifo', [file]);

const base = (url: string) => ({
  target: { baseUrl: url },
  requests: [{ path: '/' }],
  phases: [{ name: 'p', duration: '1s', rate: 5 }],
  slos: [],
});

describe('hostile files and folders: no hang, no follow, nothing echoed', () => {
  it(
    'a FIFO named report.json in a sibling run folder is skipped with a warning: the run writes its report and exits',
    { timeout: 30_000 },
    async () => {
      const target = await startCountingServer();
      try {
        const { file, reportDir } = await writeTempScenario({ name: 'fifo-sibling', ...base(target.url) });
        await mkdir(path.join(reportDir, '20000101T000000Z-fifo-sibling-0000'), { recursive: true });
        mkfifo(path.join(reportDir, '20000101T000000Z-fifo-sibling-0000', 'report.json'));
        const run = await runCli(['run', file, '--report-dir', reportDir]);
        expect(run.code, run.stderr).toBe(5);
        expect(run.stderr).toMatch(
          /warning: skipped .*20000101T000000Z-fifo-sibling-0000\/report\.json: it is a FIFO, not a regular file/,
        );
        expect(run.stdout).toMatch(/report: .*report\.json/);
        // `ordeal report` of a FIFO: exit 2 at once, not a hang.
        const report = await runCli([
          'report',
          path.join(reportDir, '20000101T000000Z-fifo-sibling-0000', 'report.json'),
        ]);
        expect(report.code).toBe(2);
        expect(report.stderr).toMatch(/is a FIFO, not a regular file/);
      } finally {
        await target.close();
      }
    },
  );

  it.each([
    [
      'a FIFO with no writer',
      async (dir: string) => (mkfifo(path.join(dir, 'users.csv')), 'users.csv'),
      /data\.file: "users\.csv" is a FIFO, not a regular file/,
    ],
    ['/dev/zero', async () => '/dev/zero', /data\.file: "\/dev\/zero" is a device, not a regular file/],
  ])(
    'data.file that is %s: plan exits 2 at once naming the file, nothing read',
    { timeout: 20_000 },
    async (_what, make, message) => {
      const { file } = await writeTempScenario({
        name: 'data',
        target: { baseUrl: 'http://127.0.0.1:1' },
        requests: [{ path: '/users/{{ data.user }}' }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
        slos: [],
      });
      const dataFile = await make(path.dirname(file));
      const scenario = {
        name: 'data',
        target: { baseUrl: 'http://127.0.0.1:1' },
        data: { file: dataFile },
        requests: [{ path: '/users/{{ data.user }}' }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
        slos: [],
      };
      await writeFile(file, JSON.stringify(scenario));
      const startedMs = performance.now();
      const plan = await runCli(['plan', file, '--offline']);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stderr).toMatch(message);
      expect(performance.now() - startedMs).toBeLessThan(15_000);
    },
  );

  it('a data file that is not data (a password file) is refused without echoing its first line', async () => {
    const { file } = await writeTempScenario({});
    const shadow = path.join(path.dirname(file), 'shadow');
    await writeFile(shadow, 'root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\nalice:$6$x$y:19000:0:99999:7:::\n');
    await writeFile(
      file,
      JSON.stringify({
        name: 'data',
        target: { baseUrl: 'http://127.0.0.1:1' },
        data: { file: shadow },
        requests: [{ path: '/u/{{ data.user }}' }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
        slos: [],
      }),
    );
    const plan = await runCli(['plan', file, '--offline']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(
      /names no column of .*shadow \(its first line is not a CSV header of column names; is it the data file you meant\?\)/,
    );
    expect(plan.stderr).not.toMatch(/hashhash|saltsalt|19000/);
  });

  it(
    "--report-dir under /proc is exit 2 at once, nothing sent (Node's recursive mkdir loops there)",
    { timeout: 20_000 },
    async () => {
      const target = await startCountingServer();
      try {
        const { file } = await writeTempScenario({ name: 'proc', ...base(target.url) });
        const run = await runCli(['run', file, '--report-dir', '/proc/ordealx']);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--report-dir: "\/proc\/ordealx" is under \/proc, the kernel's pseudo-filesystem/);
        expect(target.requests()).toBe(0);
      } finally {
        await target.close();
      }
    },
  );

  it('a closed stdout ends ordeal quietly: `ordeal schema | head -1`, `ordeal plan … | head -2`', async () => {
    const { file } = await writeTempScenario({ name: 'pipe', ...base('http://127.0.0.1:1') });
    for (const args of [['schema'], ['plan', file, '--offline']]) {
      const cli = startCli(args);
      cli.child.stdout!.destroy();
      expect(await cli.exit).toBe(0);
      expect(cli.stderr()).not.toMatch(/EPIPE|Error/);
    }
  });

  it('credentials in target.baseUrl are hidden by plan, as by run and reports', async () => {
    const { file } = await writeTempScenario({ name: 'creds', ...base('http://ops:hunter2@127.0.0.1:1') });
    const plan = await runCli(['plan', file, '--offline']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('http://ops:***@127.0.0.1:1');
    expect(`${plan.stdout}${plan.stderr}`).not.toContain('hunter2');
  });

  it('ordeal cleanup without --toxiproxy says, lease by lease, why nothing was done', async () => {
    await writeLease({
      runId: 'R-alive-here',
      pid: process.pid,
      toxiproxyUrl: 'http://127.0.0.1:8474',
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    const cleanup = await runCli(['cleanup']);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(
      /nothing to clean from the leases in .*:\n {2}run R-alive-here: alive \(pid \d+\): its faults are its own \(--all removes them too\), Toxiproxy http:\/\/127\.0\.0\.1:8474/,
    );
  });
});

describe('the report fallback and a signal at the very end', () => {
  it(
    'when the report folder is gone at the end, the report goes to a fresh private folder, never through a symlink planted at a fixed path',
    { timeout: 30_000 },
    async () => {
      const { mkdtemp, readdir, rm, stat, symlink, lstat } = await import('node:fs/promises');
      const target = await startCountingServer();
      const planted = path.join(os.tmpdir(), 'ordeal-reports');
      const victim = await mkdtemp(path.join(os.tmpdir(), 'ordeal-victim-'));
      const plantedHere = !(await lstat(planted).catch(() => undefined));
      if (plantedHere) await symlink(victim, planted);
      try {
        const { file, reportDir } = await writeTempScenario({ name: 'fallback', ...base(target.url) });
        const run = startCli(['run', file, '--report-dir', reportDir]);
        await run.waitForOutput(/▶ phase p/);
        // The folder is replaced by a file mid-run (a full disk, a careless clean-up): writing there fails at the end.
        await rm(reportDir, { recursive: true, force: true });
        await writeFile(reportDir, 'not a folder');
        expect(await run.exit).toBe(5);
        const fallback = /writing it into (\S+) instead/.exec(run.stderr())?.[1];
        expect(fallback, run.stderr()).toMatch(new RegExp(`^${os.tmpdir()}/ordeal-reports-\\w{6}$`));
        expect(((await stat(fallback!)).mode & 0o777).toString(8)).toBe('700');
        expect((await readdir(fallback!)).some((name) => name.endsWith('-fallback') || name.includes('fallback'))).toBe(
          true,
        );
        expect(await readdir(victim)).toEqual([]);
      } finally {
        if (plantedHere) await rm(planted, { force: true });
        await rm(victim, { recursive: true, force: true });
        await target.close();
      }
    },
  );

  it(
    'a SIGTERM at the very end: the exit code and the report agree (either the run finished — its code — or it was interrupted — 143 and aborted)',
    { timeout: 30_000 },
    async () => {
      const target = await startCountingServer();
      try {
        const { file, reportDir } = await writeTempScenario({
          name: 'late-signal',
          ...base(target.url),
          phases: [{ name: 'p', duration: '3s', rate: 5 }],
          slos: [{ http_req_failed: ['rate<0.5'] }],
        });
        const run = startCli(['run', file, '--report-dir', reportDir]);
        // The first progress line says how much of the run is left: the signal is timed to land at its end.
        await run.waitForOutput(/\[p 1\/1\] \S+ elapsed, \S+ left/, 20_000);
        const left = /\[p 1\/1\] \S+ elapsed, (\S+) left/.exec(run.stderr())![1]!;
        setTimeout(() => run.child.kill('SIGTERM'), parseDurationMs(left) ?? 0);
        const code = await run.exit;
        const { readOnlyReport } = await import('../support/read-report.ts');
        const report = await readOnlyReport(reportDir);
        expect(report.exitCode).toBe(code);
        if (code === 143) expect(report.verdict, report.verdictReason).toBe('aborted');
        else expect([report.verdict, code]).toEqual(['pass', 0]);
      } finally {
        await target.close();
      }
    },
  );
});
