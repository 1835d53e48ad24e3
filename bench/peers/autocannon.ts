/** autocannon's CLI (the closed-model peer; `-R` paces it), pinned and timed. */
import path from 'node:path';
import type { OpenModelSample } from '../support/open-model-sample.ts';
import { ROOT } from '../support/processes.ts';
import { runTimed } from '../support/timed-process.ts';

const AUTOCANNON = path.join(ROOT, 'node_modules/autocannon/autocannon.js');

interface AutocannonJson {
  requests: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
  latency: { p50: number; p99: number };
}

export async function autocannonRun(
  core: number,
  url: string,
  args: string[],
  seconds: number,
): Promise<AutocannonJson & { cpuSec: number; wallSec: number }> {
  const run = await runTimed(core, process.execPath, [AUTOCANNON, ...args, '-d', String(seconds), '-j', url]);
  // With --warmup autocannon prints more than one line; the result is the last.
  const lastLine = run.stdout.trim().split('\n').pop()!;
  return { ...(JSON.parse(lastLine) as AutocannonJson), cpuSec: run.cpuSec, wallSec: run.wallSec };
}

/** autocannon -R: a rate cap over its connections (each connection paced; latency from the actual send). */
export async function autocannonPaced(
  core: number,
  url: string,
  ratePerSec: number,
  seconds: number,
): Promise<OpenModelSample> {
  const connections = Math.max(10, Math.ceil(ratePerSec / 100));
  const result = await autocannonRun(core, url, ['-c', String(connections), '-R', String(ratePerSec)], seconds);
  return {
    cpuSec: result.cpuSec,
    wallSec: result.wallSec,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
    whole: { p50: result.latency.p50, p99: result.latency.p99 },
    firstSecond: null,
  };
}
