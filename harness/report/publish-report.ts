import path from 'node:path';
import { compareRuns, DEFAULT_COMPARE_OPTIONS } from './compare-runs.ts';
import type { CompareOptions } from './run-report.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { readRegularFile } from '../files/read-regular-file.ts';
import { MAX_REPORT_BYTES, previousPassingRun, readRunHistory, type StoredRun } from './run-history.ts';
import { writeRunIndex } from './run-index.ts';
import type { RunReport } from './run-report.ts';
import { writeReports } from './write-reports.ts';

/** Reads a report.json given by the user (a baseline, or one to re-render); exit 2 with the reason when it is not one. */
export async function readReportFile(file: string, field = 'report'): Promise<StoredRun> {
  let text: string;
  try {
    text = await readRegularFile(file, MAX_REPORT_BYTES);
  } catch (cause) {
    throw notAReport(field, file, (cause as Error).message, cause);
  }
  return { file: path.resolve(file), report: parseReport(text, field, file) };
}

const notAReport = (field: string, shown: string, reason: string, cause?: unknown): OrdealError =>
  new OrdealError(
    'ORDEAL_ERR_USAGE',
    `${field}: "${shown}" cannot be read as a report.json (${reason}; give a reports/<run-id>/report.json)`,
    { cause },
  );

/**
 * A report.json's text (from a file or a URL, `shown` says which) as a report; exit 2 with the reason when it is
 * not an ordeal report, or its operators' notes are not notes.
 */
export function parseReport(text: string, field: string, shown: string): RunReport {
  let report: RunReport;
  try {
    report = JSON.parse(text) as RunReport;
  } catch (cause) {
    throw notAReport(field, shown, (cause as Error).message, cause);
  }
  if (report?.schemaVersion !== 1 || !Array.isArray(report.phases) || !Array.isArray(report.timeseries)) {
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `${field}: "${shown}" is not an ordeal report.json (expected schemaVersion 1 with phases and timeseries)`,
    );
  }
  // Operators' notes are free text typed by people: a hand-edited file gets a clear answer, not a renderer's crash.
  const notes: unknown = (report as { annotations?: unknown }).annotations;
  if (notes !== undefined) {
    const bad = Array.isArray(notes)
      ? notes.findIndex(
          (n) =>
            typeof n?.text !== 'string' ||
            typeof n?.at !== 'string' ||
            Number.isNaN(Date.parse(n.at)) ||
            !(n.phase === null || typeof n.phase === 'string'),
        )
      : -1;
    if (!Array.isArray(notes) || bad >= 0) {
      const noteShown = JSON.stringify(Array.isArray(notes) ? notes[bad] : notes).slice(0, 120);
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `${field}: "${shown}" annotations${Array.isArray(notes) ? `[${bad}]` : ''} is ${noteShown}, not a note (expected { at: an ISO time, phase: a name or null, text: text }); fix or remove it`,
      );
    }
  }
  return report;
}

export interface PublishOptions {
  /** An explicit baseline; otherwise the previous passing run of the same scenario in `reportDir`, if any. */
  baseline?: StoredRun;
  compare?: boolean;
  compareOptions?: CompareOptions;
  /** Write into this folder instead of `<reportDir>/<run-id>/`. */
  runDir?: string;
  stepSummaryFile?: string;
  /** Hears what was skipped on the way (a sibling run's report.json that is a FIFO, or too large). */
  onWarning?: (message: string) => void;
}

/** Compares with the baseline, writes every format, appends the step summary and rewrites the run index. */
export async function publishReport(
  report: RunReport,
  reportDir: string,
  options: PublishOptions = {},
): Promise<{ files: string[]; report: RunReport }> {
  let published = report;
  if (options.compare !== false) {
    // An explicit baseline is compared even when it is this very run (a sanity check: no regression).
    const baseline = options.baseline ?? previousPassingRun(await readRunHistory(reportDir, skipped(options)), report);
    if (baseline) {
      published = {
        ...report,
        comparison: compareRuns(
          report,
          baseline.report,
          options.compareOptions ?? DEFAULT_COMPARE_OPTIONS,
          baseline.file,
        ),
      };
    }
  }
  const files = await writeReports(published, reportDir, {
    stepSummaryFile: options.stepSummaryFile,
    runDir: options.runDir,
  });
  files.push(await writeRunIndex(reportDir));
  return { files, report: published };
}

/** A sibling run skipped while reading the history: said once, as a warning. */
function skipped(options: PublishOptions): (file: string, why: string) => void {
  return (file, why) => options.onWarning?.(`skipped ${file}: it ${why}`);
}
