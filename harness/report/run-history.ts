import { readdir } from 'node:fs/promises';
import { readRegularFile } from '../files/read-regular-file.ts';
import path from 'node:path';
import type { RunReport } from './run-report.ts';

export interface StoredRun {
  file: string;
  report: RunReport;
}

/** The largest report.json ordeal reads back (a six-hour run's is a few MiB). */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/**
 * Every run folder's report.json under `reportDir`, oldest first (run ids sort
 * by time). Unreadable ones are skipped; one that is not a regular file (a
 * FIFO planted in a sibling folder would hang a plain read) or over the bound
 * is skipped and `onSkip` hears why.
 */
export async function readRunHistory(
  reportDir: string,
  onSkip: (file: string, why: string) => void = () => undefined,
): Promise<StoredRun[]> {
  const entries = await readdir(reportDir, { withFileTypes: true }).catch(() => []);
  const runs = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const file = path.join(reportDir, entry.name, 'report.json');
        try {
          const report = JSON.parse(await readRegularFile(file, MAX_REPORT_BYTES)) as RunReport;
          return report.schemaVersion === 1 && typeof report.runId === 'string' ? { file, report } : undefined;
        } catch (error) {
          const reason = (error as { reason?: string }).reason;
          if (reason === 'not-regular' || reason === 'too-large') onSkip(file, (error as Error).message);
          return undefined;
        }
      }),
  );
  return runs
    .filter((run): run is StoredRun => run !== undefined)
    .sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt));
}

/** The latest earlier passing run of the same scenario: the default baseline. */
export function previousPassingRun(history: readonly StoredRun[], current: RunReport): StoredRun | undefined {
  return [...history]
    .reverse()
    .find(
      (run) =>
        run.report.runId !== current.runId &&
        run.report.scenario.name === current.scenario.name &&
        run.report.verdict === 'pass' &&
        run.report.startedAt < current.startedAt,
    );
}
