import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_COMPARE_OPTIONS } from '../report/compare-runs.ts';
import { publishReport } from '../report/publish-report.ts';
import type { RunReport } from '../report/run-report.ts';
import type { StoredRun } from '../report/run-history.ts';
import type { CliIo } from './cli-io.ts';
import type { RunCommandOptions } from './run-command-options.ts';

/**
 * Writes the run's report into `reportDir` (compared with `baseline` or the previous passing run). If that fails
 * at the end, the run's record is not lost with the folder: it goes to a fresh private folder (mkdtemp: 0700, a
 * new name, never a fixed path another user could plant a symlink at), and ordeal says where.
 */
export async function publishRun(
  report: RunReport,
  reportDir: string,
  options: RunCommandOptions,
  baseline: StoredRun | undefined,
  io: CliIo,
): Promise<{ files: string[]; report: RunReport }> {
  const publishOptions = {
    baseline,
    compare: options.compare,
    compareOptions: {
      ...DEFAULT_COMPARE_OPTIONS,
      latencyTolerancePercent: options.tolerance ?? DEFAULT_COMPARE_OPTIONS.latencyTolerancePercent,
    },
    stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
    onWarning: (message: string) => io.stderr.write(`ordeal: warning: ${message}\n`),
  };
  return publishReport(report, reportDir, publishOptions).catch(async (error: Error) => {
    const fallback = await mkdtemp(path.join(os.tmpdir(), 'ordeal-reports-'));
    io.stderr.write(
      `ordeal: writing the report into ${reportDir} failed (${error.message}); writing it into ${fallback} instead\n`,
    );
    return publishReport(report, fallback, { ...publishOptions, compare: false, stepSummaryFile: undefined });
  });
}
