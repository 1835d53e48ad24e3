import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../harness/report/run-report.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

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
        const { file, reportDir } = await writeTempScenario({
          name: 'checkpointed',
          target: { baseUrl: target.url },
          requests: [{ path: '/' }],
          load: notAboutTheGenerator({ warmup: false, timeout: '1s' }),
          report: { checkpointEvery: '2s' },
          phases: [
            // Short first phases: settled (ended, and 1 s for their last requests) well before the third checkpoint.
            { name: 'first', duration: '1s', rate: 40 },
            { name: 'second', duration: '1s', rate: 40 },
            { name: 'long', duration: '60s', rate: 20 },
          ],
          slos: [{ http_req_failed: ['rate<0.5'] }],
        });
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
        const { file, reportDir } = await writeTempScenario({
          name: 'checkpointed-whole',
          target: { baseUrl: target.url },
          requests: [{ path: '/' }],
          load: notAboutTheGenerator({ warmup: false }),
          report: { checkpointEvery: '1s' },
          phases: [{ name: 'only', duration: '3s', rate: 20 }],
          slos: [{ http_req_failed: ['rate<0.5'] }],
        });
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
});
