/** ordeal's CLI on a one-phase scenario, pinned to a core and timed like every other generator. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../harness/report/run-report.ts';
import type { OpenModelSample } from '../support/open-model-sample.ts';
import { ROOT } from '../support/processes.ts';
import { runTimed } from '../support/timed-process.ts';

export interface OrdealBenchRun {
  report: RunReport;
  cpuSec: number;
  wallSec: number;
}

export async function runOrdealTimed(
  core: number,
  url: string,
  phase: { duration: string; rate?: number; vus?: number },
  load: Record<string, unknown>,
  /** The scenario's traffic (default: one request to the URL's path). */
  traffic?: { readonly requests?: readonly unknown[]; readonly flows?: readonly unknown[] },
  /** Looks at the report folder before it is removed (sizes of report.json and report.html). */
  onReports?: (reportsDir: string) => Promise<void>,
  /** Past this the run is killed (default: timed-process's 15 minutes). */
  timeoutMs?: number,
): Promise<OrdealBenchRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-bench-'));
  try {
    const file = path.join(dir, 'bench.json');
    const scenario = {
      name: 'bench',
      target: { baseUrl: url },
      load,
      ...(traffic ?? { requests: [{ path: new URL(url).pathname }] }),
      phases: [{ name: 'bench', ...phase }],
      slos: [],
      limits: { maxRatePerSec: 1_000_000 },
    };
    await writeFile(file, JSON.stringify(scenario));
    const run = await runTimed(
      core,
      process.execPath,
      [
        path.join(ROOT, 'bin/ordeal.mjs'),
        'run',
        file,
        '--json',
        '--no-compare',
        '--report-dir',
        path.join(dir, 'reports'),
      ],
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    await onReports?.(path.join(dir, 'reports'));
    return { report: JSON.parse(run.stdout) as RunReport, cpuSec: run.cpuSec, wallSec: run.wallSec };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ordeal's open model at a fixed rate on one worker. */
export async function ordealOpenModel(
  core: number,
  url: string,
  ratePerSec: number,
  seconds: number,
): Promise<OpenModelSample & { report: RunReport }> {
  const run = await runOrdealTimed(
    core,
    url,
    { duration: `${seconds}s`, rate: ratePerSec },
    { model: 'open', workers: 1 },
  );
  const phase = run.report.phases[0]!;
  const first = run.report.timeseries.find((s) => s.phase === phase.name);
  return {
    report: run.report,
    cpuSec: run.cpuSec,
    wallSec: run.wallSec,
    requests: phase.requests,
    errors: phase.errors,
    whole: phase.latencyMs && { p50: phase.latencyMs.p50, p99: phase.latencyMs.p99 },
    firstSecond: first && first.p99Ms !== null ? { p50: first.p50Ms!, p99: first.p99Ms } : null,
  };
}
