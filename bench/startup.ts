/**
 * ordeal as a user installs it: `npm pack`, installed with a plain `npm install`
 * into a fresh project; its size, and its start-up — `ordeal --help`, and `ordeal run` of a 1-second scenario against nginx side by side
 * with `autocannon -d 1` (both pinned to core 1, nginx on core 0), interleaved
 * rounds.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { autocannonRun } from './peers/autocannon.ts';
import { startNginx } from './support/nginx-target.ts';
import { ROOT } from './support/processes.ts';
import { spread } from './support/spread.ts';
import { runTimed } from './support/timed-process.ts';

const CORE = 1;

export interface StartupResult {
  rounds: number;
  tarballKiB: number;
  installMiB: number;
  packages: number;
  helpSec: number[];
  runSec: number[];
  autocannonSec: number[];
}

async function sizeOf(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  return bytes;
}

export async function benchStartup(rounds = 5): Promise<StartupResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-startup-'));
  const nginx = await startNginx(0);
  try {
    const tarball = path.join(
      dir,
      execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!,
    );
    const project = path.join(dir, 'consumer');
    await mkdir(project);
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: project,
      stdio: 'ignore',
    });
    const modules = path.join(project, 'node_modules');
    const packages = (await readdir(modules, { withFileTypes: true, recursive: true })).filter(
      (e) => e.isFile() && e.name === 'package.json' && path.basename(e.parentPath) !== 'test',
    ).length;
    const scenario = path.join(project, 'one-second.yaml');
    await writeFile(
      scenario,
      `name: one-second\ntarget: { baseUrl: ${nginx.url} }\nload: { model: closed, connections: 10, warmup: false }\nrequests: [{ path: / }]\nphases: [{ name: p, duration: 1s, vus: 10 }]\nslos: []\n`,
    );
    const bin = path.join(modules, 'ordeal/bin/ordeal.mjs');
    const result: StartupResult = {
      rounds,
      tarballKiB: (await stat(tarball)).size / 1024,
      installMiB: (await sizeOf(modules)) / 2 ** 20,
      packages,
      helpSec: [],
      runSec: [],
      autocannonSec: [],
    };
    for (let round = 0; round < rounds; round++) {
      result.helpSec.push((await runTimed(CORE, process.execPath, [bin, '--help'])).wallSec);
      result.runSec.push(
        (
          await runTimed(CORE, process.execPath, [
            bin,
            'run',
            scenario,
            '--report-dir',
            path.join(project, 'reports'),
            '--no-compare',
          ])
        ).wallSec,
      );
      result.autocannonSec.push((await autocannonRun(CORE, nginx.url, ['-c', '10'], 1)).wallSec);
      process.stderr.write(
        `startup: round ${round + 1}/${rounds}: --help ${result.helpSec.at(-1)} s, run ${result.runSec.at(-1)} s, autocannon -d 1 ${result.autocannonSec.at(-1)} s\n`,
      );
    }
    return result;
  } finally {
    await nginx.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function startupTable(r: StartupResult): string {
  const help = spread(r.helpSec);
  const run = spread(r.runSec);
  const ac = spread(r.autocannonSec);
  const perRound = r.runSec.map((s, i) => s / r.autocannonSec[i]!);
  return [
    `Installed package and start-up — npm pack, installed with a plain npm install into a fresh project; wall times under GNU time, pinned to core 1 (nginx on core 0), ${r.rounds} interleaved rounds; median (min–max)`,
    '',
    `Install: tarball ${r.tarballKiB.toFixed(0)} KiB; node_modules ${r.installMiB.toFixed(1)} MiB, ${r.packages} packages (goal ≤ 45 MB; testcontainers and opossum are optional peers, not installed: with them 85 MB, 199 packages).`,
    '',
    '| command | wall s | × autocannon -d 1 |',
    '|---|---:|---:|',
    `| ordeal --help | ${help.format(2)} | — |`,
    `| ordeal run, a 1-second phase (10 VUs, no warm-up) | ${run.format(2)} | ${(run.median / ac.median).toFixed(2)} |`,
    `| autocannon -c 10 -d 1 | ${ac.format(2)} | 1.00 |`,
    '',
    `ordeal run ÷ autocannon, per round: ${perRound.map((x) => x.toFixed(2)).join(', ')}; median ${spread(perRound).median.toFixed(2)} (goal ≤ 1.3). --help goal ≤ 0.3 s.`,
  ].join('\n');
}
