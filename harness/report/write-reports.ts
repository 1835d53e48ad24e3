import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';
import { jsonReporter } from './json-reporter.ts';
import { markdownReporter } from './markdown-reporter.ts';
import type { Reporter } from './reporter.ts';
import type { RunReport } from './run-report.ts';

export const DEFAULT_REPORTERS: readonly Reporter[] = [jsonReporter, markdownReporter];

/** Writes every format into `<reportDir>/<run-id>/`; returns the files written. */
export async function writeReports(report: RunReport, reportDir: string, reporters = DEFAULT_REPORTERS): Promise<string[]> {
  const runDir = path.join(reportDir, report.runId);
  try {
    const files: string[] = [];
    for (const reporter of reporters) files.push(await reporter.write(report, runDir));
    return files;
  } catch (cause) {
    throw new OrdealError('ORDEAL_ERR_REPORT', `writing the report to ${runDir} failed: ${(cause as Error).message} (check --report-dir)`, { cause });
  }
}
