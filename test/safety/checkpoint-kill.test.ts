import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { RunEvents } from '../../harness/events/run-events.ts';
import { TSX_LOADER } from '../../harness/process/tsx-loader.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { finishing, killedPartWay } from '../support/checkpointed-scenarios.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const LIBRARY_CHILD = fileURLToPath(new URL('../support/library-run-child.ts', import.meta.url));

/**
 * A six-hour run must not lose five hours to a crash. With a checkpoint every 2 s, ordeal is killed (-9: nothing
 * of its own runs after) at a random moment after its third checkpoint. What is left must be a report a person
 * and a program can read — every phase settled before the checkpoint judged — and `ordeal report` must finish it
 * as interrupted, never as a pass.
 */
describe('checkpoints: a run killed part-way keeps its report', () => {
  it(
    'kill -9 after the third checkpoint leaves a readable report.json and report.html; ordeal report finishes it as interrupted',
    { timeout: 60_000 },
    async () => {
      const target = await startCountingServer();
      try {
        const { file, reportDir } = await writeTempScenario(killedPartWay(target.url, 'checkpointed'));
        const run = startCli(['run', file, '--report-dir', reportDir]);
        await run.waitForOutput(/checkpoint 3 written: \S+/, 40_000);
        // A random moment before the fourth: any checkpoint write may be under way when the kill lands.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2_000));
        run.child.kill('SIGKILL');
        await run.exit;
        const written = [...run.stderr().matchAll(/checkpoint \d+ written: (\S+)/g)].map((m) => m[1]!);
        const runDir = path.dirname(path.resolve(written.at(-1)!));

        const report = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
        expect(report.checkpoint, 'the last thing in the folder is a checkpoint').toBeDefined();
        expect(report.verdict).toBe('inconclusive');
        // Every phase settled before the checkpoint is there, judged; the one running is "so far", never a pass.
        expect(report.checkpoint!.settledPhases).toEqual(expect.arrayContaining(['first', 'second']));
        for (const name of ['first', 'second']) {
          expect(report.phases.find((p) => p.name === name)!.requests).toBeGreaterThan(20);
          expect(report.checks.find((c) => c.phase === name)).toMatchObject({ status: 'pass' });
        }
        expect(report.checks.find((c) => c.phase === 'long')).toMatchObject({ status: 'inconclusive' });
        const html = await readFile(path.join(runDir, 'report.html'), 'utf8');
        expect(html.trimEnd().endsWith('</html>')).toBe(true);
        expect(html).toContain('checkpoint at +');
        // The run index shows the run as in progress until it is finished.
        expect(await readFile(path.join(path.dirname(runDir), 'index.html'), 'utf8')).toContain('data-in-progress');

        const finished = await runCli(['report', runDir]);
        expect(finished.code, finished.stderr).toBe(0);
        expect(finished.stderr).toMatch(/interrupted: ordeal stopped during phase long and never finished the run/);
        const final = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
        expect([final.verdict, final.exitCode]).toEqual(['aborted', 4]);
        expect(final.checkpoint?.interrupted).toBe(true);
        expect(
          final.checks
            .filter((c) => c.status === 'pass')
            .map((c) => c.phase)
            .sort(),
        ).toEqual(['first', 'second']);
        expect(await readFile(path.join(path.dirname(runDir), 'index.html'), 'utf8')).not.toContain('data-in-progress');
      } finally {
        await target.close();
      }
    },
  );

  it(
    'a run that finishes replaces its checkpoints: the final report is no checkpoint',
    { timeout: 60_000 },
    async () => {
      const target = await startCountingServer();
      try {
        const { file, reportDir } = await writeTempScenario(finishing(target.url, 'checkpointed-whole'));
        const run = await runCli(['run', file, '--report-dir', reportDir, '--json']);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toMatch(/checkpoint 1 written/);
        const report = JSON.parse(run.stdout) as RunReport;
        const stored = JSON.parse(
          await readFile(path.join(reportDir, report.runId, 'report.json'), 'utf8'),
        ) as RunReport;
        expect(stored.checkpoint).toBeUndefined();
        expect(stored.verdict).toBe('pass');
      } finally {
        await target.close();
      }
    },
  );

  it(
    'the library too: runScenario with reportDir, its process killed -9 after the third checkpoint, leaves a report ordeal report finishes as interrupted',
    { timeout: 60_000 },
    async () => {
      const target = await startCountingServer();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-library-checkpoints-'));
      try {
        const child = spawn(process.execPath, ['--import', TSX_LOADER, LIBRARY_CHILD, target.url, dir], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        const third = new Promise<void>((resolve) =>
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (/checkpoint 3 written/.test(out)) resolve();
          }),
        );
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await Promise.race([third, exited]);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2_000));
        child.kill('SIGKILL');
        await exited;
        const written = [...out.matchAll(/checkpoint \d+ written: (\S+)/g)].map((m) => m[1]!);
        expect(written.length, out).toBeGreaterThanOrEqual(3);
        const runDir = path.dirname(written.at(-1)!);
        const report = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
        expect(report.checkpoint!.settledPhases).toEqual(expect.arrayContaining(['first', 'second']));
        expect(report.checks.find((c) => c.phase === 'long')).toMatchObject({ status: 'inconclusive' });

        const finished = await runCli(['report', runDir]);
        expect(finished.code, finished.stderr).toBe(0);
        const final = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
        expect([final.verdict, final.checkpoint?.interrupted]).toEqual(['aborted', true]);
      } finally {
        await target.close();
      }
    },
  );

  it('the library: runScenario with reportDir says its checkpoints as events and writes the final report over the last one', async () => {
    const target = await startCountingServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-library-checkpoints-'));
    try {
      const files: string[] = [];
      const events = new RunEvents().on('checkpoint', ({ file }) => files.push(file));
      const report = await runScenario(finishing(target.url, 'library-whole'), { events, reportDir: dir });
      expect(files.length).toBeGreaterThanOrEqual(1);
      expect(files.at(-1)).toBe(path.join(dir, report.runId, 'report.json'));
      for (const name of ['report.json', 'summary.md', 'report.html', 'junit.xml'])
        await expect(readFile(path.join(dir, report.runId, name), 'utf8')).resolves.toBeTruthy();
      const stored = JSON.parse(await readFile(path.join(dir, report.runId, 'report.json'), 'utf8')) as RunReport;
      expect([stored.checkpoint, stored.verdict]).toEqual([undefined, 'pass']);
    } finally {
      await target.close();
    }
  });
});
