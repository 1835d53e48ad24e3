import type { RunReport } from './run-report.ts';

/** What a reporter may use besides the report (which carries its comparison with a baseline): the names of the sibling files. */
export interface ReportContext {
  /** File names (not paths) of every format written for this run, for links. */
  siblings?: readonly string[];
}

/** Turns a finished run's report into one file in the run's folder; returns the path written. */
export interface Reporter {
  readonly name: string;
  /** The file name it writes, e.g. "report.html". */
  readonly fileName: string;
  write(report: RunReport, runDir: string, context?: ReportContext): Promise<string>;
}
