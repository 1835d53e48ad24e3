import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The report.json of the only run in `reportDir`. */
export async function readOnlyReport(reportDir: string): Promise<Record<string, any>> {
  const [runId] = await readdir(reportDir);
  return JSON.parse(await readFile(path.join(reportDir, runId!, 'report.json'), 'utf8'));
}
