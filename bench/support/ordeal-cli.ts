import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../harness/report/run-report.ts';
import { ROOT, runPinned } from './processes.ts';

/** Runs ordeal's CLI on a one-phase scenario against `url`, pinned to `core`; returns its report. */
export async function runOrdeal(
  url: string,
  phase: { duration: string; rate?: number; vus?: number },
  load: Record<string, unknown>,
  core: number | string,
): Promise<RunReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-bench-'));
  const file = path.join(dir, 'bench.json');
  await writeFile(
    file,
    JSON.stringify({ name: 'bench', target: { baseUrl: url }, load, requests: [{ path: new URL(url).pathname }], phases: [{ name: 'bench', ...phase }], slos: [] }),
  );
  const stdout = await runPinned(core, process.execPath, [path.join(ROOT, 'bin/ordeal.mjs'), 'run', file, '--json', '--report-dir', path.join(dir, 'reports')]).catch(
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return JSON.parse(stdout) as RunReport;
}
