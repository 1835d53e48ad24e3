import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from './run-report.ts';

export interface StoredRun {
  file: string;
  report: RunReport;
}

/** Every run folder's report.json under `reportDir`, oldest first (run ids sort by time). Unreadable ones are skipped. */
export async function readRunHistory(reportDir: string): Promise<StoredRun[]> {
  const entries = await readdir(reportDir, { withFileTypes: true }).catch(() => []);
  const runs = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const file = path.join(reportDir, entry.name, 'report.json');
        try {
          const report = JSON.parse(await readFile(file, 'utf8')) as RunReport;
          return report.schemaVersion === 1 && typeof report.runId === 'string' ? { file, report } : undefined;
        } catch {
          return undefined;
        }
      }),
  );
  return runs.filter((run): run is StoredRun => run !== undefined).sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt));
}

/** The latest earlier passing run of the same scenario: the default baseline. */
export function previousPassingRun(history: readonly StoredRun[], current: RunReport): StoredRun | undefined {
  return [...history].reverse().find((run) => run.report.runId !== current.runId && run.report.scenario.name === current.scenario.name && run.report.verdict === 'pass' && run.report.startedAt < current.startedAt);
}
