/**
 * wrk (Debian's wrk 4, which has no rate option), paced with its Lua `delay()`
 * hook: each of C connections waits C/rate seconds between requests, so the
 * total is about `rate` (minus the service time; closed model, latency from
 * the actual send).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OpenModelSample } from '../support/open-model-sample.ts';
import { runTimed } from '../support/timed-process.ts';

function parseWrkMs(text: string): number {
  const [, value, unit] = /([\d.]+)(us|ms|s)/.exec(text)!;
  return Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1_000 : 1);
}

export async function wrkPaced(
  core: number,
  url: string,
  ratePerSec: number,
  seconds: number,
): Promise<OpenModelSample> {
  const connections = Math.max(10, Math.ceil(ratePerSec / 100));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-wrk-'));
  try {
    const script = path.join(dir, 'paced.lua');
    await writeFile(script, `function delay() return ${((connections / ratePerSec) * 1_000).toFixed(3)} end\n`);
    const run = await runTimed(core, 'wrk', [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      '-s',
      script,
      url,
    ]);
    const requests = Number(/^\s*(\d+) requests in/m.exec(run.stdout)![1]);
    const p50 = /^\s+50%\s+(\S+)/m.exec(run.stdout)![1]!;
    const p99 = /^\s+99%\s+(\S+)/m.exec(run.stdout)![1]!;
    return {
      cpuSec: run.cpuSec,
      wallSec: run.wallSec,
      requests,
      errors: 0,
      whole: { p50: parseWrkMs(p50), p99: parseWrkMs(p99) },
      firstSecond: null,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
