import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';
import { htmlReporter } from './html/html-reporter.ts';
import { jsonReporter } from './json-reporter.ts';
import { junitReporter } from './junit-reporter.ts';
import { markdownReporter, renderMarkdown } from './markdown-reporter.ts';
import type { ReportContext, Reporter } from './reporter.ts';
import type { RunReport } from './run-report.ts';

export const DEFAULT_REPORTERS: readonly Reporter[] = [jsonReporter, markdownReporter, htmlReporter, junitReporter];

export interface WriteReportsOptions {
  reporters?: readonly Reporter[];
  /** Appends the Markdown summary here (GitHub Actions' $GITHUB_STEP_SUMMARY). */
  stepSummaryFile?: string;
  /** Write into this folder instead of `<reportDir>/<run-id>/`. */
  runDir?: string;
}

/** Writes every format into `<reportDir>/<run-id>/`; returns the files written. */
export async function writeReports(
  report: RunReport,
  reportDir: string,
  options: WriteReportsOptions = {},
): Promise<string[]> {
  const reporters = options.reporters ?? DEFAULT_REPORTERS;
  const runDir = options.runDir ?? path.join(reportDir, report.runId);
  const context: ReportContext = { siblings: reporters.map((r) => r.fileName) };
  try {
    const files: string[] = [];
    for (const reporter of reporters) files.push(await reporter.write(report, runDir, context));
    if (options.stepSummaryFile)
      await appendFile(options.stepSummaryFile, `${renderMarkdown(report, { ...context, siblings: [] })}\n`);
    return files;
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_REPORT',
      `writing the report to ${runDir} failed: ${(cause as Error).message} (check --report-dir)`,
      { cause },
    );
  }
}
