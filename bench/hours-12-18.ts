/**
 * The seed's window, compressed (issue 29): `scenarios/hours-12-18.ts` against the bundled stack at
 * `--time-scale 0.0278` (six hours in about ten minutes; the service's own reaction deadlines are not scaled). One
 * run, through the CLI as a user runs it: its verdict and checks, wall time, ordeal's own peak RSS and event-loop
 * lag from its report ("ordeal itself"), and the sizes of report.json and report.html. A rehearsal, not the window:
 * the real six hours are for a scheduled job (README, "The six-hour window").
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../harness/report/run-report.ts';
import { ROOT } from './support/processes.ts';

export const HOURS_TIME_SCALE = 0.0278;

export interface HoursRow {
  exitCode: number | null;
  verdict: string;
  verdictReason: string;
  checks: { pass: number; fail: number; inconclusive: number };
  phases: number;
  requests: number;
  wallSec: number;
  rssMaxMb: number;
  loopLagP99MaxMs: number;
  warnings: string[];
  reportJsonMb: number;
  reportHtmlMb: number;
}

export async function benchHours(): Promise<HoursRow> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-bench-hours-'));
  try {
    const startedMs = performance.now();
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = execFile(
        process.execPath,
        [
          path.join(ROOT, 'bin/ordeal.mjs'),
          'run',
          path.join(ROOT, 'scenarios/hours-12-18.ts'),
          '--time-scale',
          String(HOURS_TIME_SCALE),
          '--report-dir',
          dir,
          '--no-compare',
        ],
        {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: '1', CI: 'true' },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 30 * 60_000,
        },
        () => undefined,
      );
      child.on('exit', (code) => resolve(code));
    });
    const wallSec = (performance.now() - startedMs) / 1_000;
    const runDir = (await readdir(dir, { withFileTypes: true })).find((e) => e.isDirectory())!;
    const file = (name: string) => path.join(dir, runDir.name, name);
    const report = JSON.parse(await readFile(file('report.json'), 'utf8')) as RunReport;
    const self = report.self ?? [];
    const count = (status: string) => report.checks.filter((c) => c.status === status).length;
    return {
      exitCode,
      verdict: report.verdict,
      verdictReason: report.verdictReason,
      checks: { pass: count('pass'), fail: count('fail'), inconclusive: count('inconclusive') },
      phases: report.phases.length,
      requests: report.phases.reduce((sum, p) => sum + p.requests, 0),
      wallSec,
      rssMaxMb: Math.max(...self.map((s) => s.rssMb)),
      loopLagP99MaxMs: Math.max(...self.map((s) => s.loopLagP99Ms)),
      warnings: report.warnings,
      reportJsonMb: (await stat(file('report.json'))).size / 1e6,
      reportHtmlMb: (await stat(file('report.html'))).size / 1e6,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function hoursTable(row: HoursRow): string {
  return [
    `hours-12-18 time-scaled — \`ordeal run scenarios/hours-12-18.ts --time-scale ${HOURS_TIME_SCALE}\` against the bundled stack, one run (six hours of phases in about ten minutes; the service's reaction deadlines unscaled)`,
    '',
    '| verdict (exit) | checks pass / fail / inconclusive | phases | requests | wall | ordeal RSS max | event-loop lag p99 max | report.json | report.html |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${row.verdict.toUpperCase()} (${row.exitCode}) | ${row.checks.pass} / ${row.checks.fail} / ${row.checks.inconclusive} | ${row.phases} | ${row.requests} | ${(row.wallSec / 60).toFixed(1)} min | ${row.rssMaxMb.toFixed(0)} MB | ${row.loopLagP99MaxMs} ms | ${row.reportJsonMb.toFixed(2)} MB | ${row.reportHtmlMb.toFixed(2)} MB |`,
    '',
    `Verdict: ${row.verdictReason}.${row.warnings.length > 0 ? ` Warnings: ${row.warnings.join(' · ')}` : ''}`,
  ].join('\n');
}
