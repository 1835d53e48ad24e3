/**
 * vegeta (the open-model peer): `vegeta attack` at a fixed rate, its results
 * encoded to CSV, percentiles computed here from every result — whole run
 * and first second — the same way for every figure.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/processes.ts';
import { runTimed } from '../support/timed-process.ts';
import { latencySummary, type OpenModelSample } from '../support/open-model-sample.ts';

/** Built by scripts/bench-setup.sh with `go install github.com/tsenart/vegeta/v12@VEGETA_VERSION`. */
export const VEGETA_VERSION = 'v12.13.0';
export const VEGETA = path.join(ROOT, `.cache/vegeta-${VEGETA_VERSION}/vegeta`);

export async function vegetaAttack(
  core: number,
  url: string,
  ratePerSec: number,
  seconds: number,
): Promise<OpenModelSample> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-vegeta-'));
  const results = path.join(dir, 'results.bin');
  try {
    const run = await runTimed(
      core,
      VEGETA,
      ['attack', `-rate=${ratePerSec}/1s`, `-duration=${seconds}s`, `-output=${results}`],
      { stdin: `GET ${url}\n` },
    );
    const { stdout } = await promisify(execFile)(VEGETA, ['encode', '-to', 'csv', results], {
      maxBuffer: 1024 * 1024 * 1024,
    });
    // CSV: timestamp (unix ns), code, latency (ns), bytes out, bytes in, error, ...
    const rows = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(','));
    // Timestamps in µs (ns precision is more than needed); a loop, not Math.min(...), for 200k rows.
    let startUs = Number.POSITIVE_INFINITY;
    for (const row of rows) startUs = Math.min(startUs, Number(row[0]!.slice(0, -3)));
    const all: number[] = [];
    const firstSecond: number[] = [];
    let errors = 0;
    for (const row of rows) {
      const latencyMs = Number(row[2]) / 1e6;
      all.push(latencyMs);
      if (Number(row[0]!.slice(0, -3)) - startUs < 1_000_000) firstSecond.push(latencyMs);
      if (row[1] !== '200') errors += 1;
    }
    return {
      cpuSec: run.cpuSec,
      wallSec: run.wallSec,
      requests: rows.length,
      errors,
      whole: latencySummary(all),
      firstSecond: latencySummary(firstSecond),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
