/**
 * `npm run bench`: every benchmark, each with its peer measured in the same
 * run; prints the tables and writes them, with the machine, to bench/RESULTS.md.
 * `--quick` shortens the memory run (60 s instead of 5 min) and the open-model
 * runs (10 s instead of 20 s). `--only=throughput,memory` reruns those and
 * keeps the other sections' last figures (each section says when it was measured).
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { accuracyTable, benchLatencyAccuracy } from './latency-accuracy.ts';
import { benchCoordinatedOmission, coTable } from './coordinated-omission.ts';
import { benchMemory, memoryTable } from './memory.ts';
import { benchThroughput, throughputTable } from './throughput.ts';
import { benchOpenModel, openModelTable } from './open-model.ts';
import { benchSaturation, saturationTable } from './saturation.ts';
import { benchMaxRate, maxRateTable } from './max-rate.ts';
import { benchFlows, flowsTable } from './flows.ts';
import { benchStartup, startupTable } from './startup.ts';
import { benchHours, hoursTable } from './hours-12-18.ts';
import { benchLongRun, longRunTable } from './long-run.ts';
import { benchCapacity, capacityTable } from './capacity.ts';
import { benchReportRender, reportRenderTable } from './report-render.ts';
import { VEGETA_VERSION } from './peers/vegeta.ts';

const quick = process.argv.includes('--quick');
const memoryRate = Number(process.env.ORDEAL_BENCH_MEMORY_RATE ?? 5_000);

function version(command: string, args: string[]): string {
  // wrk prints its version to stdout and exits 1; nginx prints it to stderr; vegeta over several lines.
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /\d/.test(line))[0] ?? 'unknown'
  );
}

/** Each benchmark stands alone (its peers measured in the same run); `--only a,b` reruns some and keeps the others' last figures. */
const BENCHMARKS: { key: string; run: () => Promise<string> }[] = [
  { key: 'open-model', run: async () => openModelTable(await benchOpenModel([1_000, 5_000, 10_000], quick ? 10 : 20)) },
  { key: 'saturation', run: async () => saturationTable(await benchSaturation()) },
  { key: 'max-rate', run: async () => maxRateTable(await benchMaxRate()) },
  { key: 'throughput', run: async () => throughputTable(await benchThroughput()) },
  { key: 'flows', run: async () => flowsTable(await benchFlows()) },
  { key: 'startup', run: async () => startupTable(await benchStartup()) },
  { key: 'accuracy', run: async () => accuracyTable(await benchLatencyAccuracy()) },
  { key: 'coordinated-omission', run: async () => coTable(await benchCoordinatedOmission()) },
  { key: 'memory', run: async () => memoryTable(await benchMemory(memoryRate, quick ? 60 : 300, 30), memoryRate) },
  { key: 'report-render', run: async () => reportRenderTable(await benchReportRender()) },
  { key: 'capacity', run: async () => capacityTable(await benchCapacity()) },
  // The seed's six hours in about ten minutes, against the bundled stack.
  { key: 'hours-12-18', run: async () => hoursTable(await benchHours()) },
  // An hour by default (ORDEAL_BENCH_LONG_MINUTES); --quick: 6 minutes.
  {
    key: 'long-run',
    run: async () =>
      longRunTable(await benchLongRun(Number(process.env.ORDEAL_BENCH_LONG_MINUTES ?? (quick ? 6 : 60)), 2_000)),
  },
];
const onlyArgument = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArgument ? new Set(onlyArgument.slice('--only='.length).split(',')) : undefined;
const unknown = [...(only ?? [])].filter((key) => !BENCHMARKS.some((b) => b.key === key));
if (unknown.length > 0)
  throw new Error(
    `--only: unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.key).join(', ')})`,
  );

const resultsFile = new URL('./RESULTS.md', import.meta.url);
const previous = await readFile(resultsFile, 'utf8').catch(() => '');
const SECTION = /<!-- bench:(\S+) measured (\S+) -->\n([\s\S]*?)(?=\n<!-- bench:|$)/g;
// A kept section's text without its own date line(s) at the end: the date is written once, below, when it is put back.
const withoutDate = (text: string): string => text.replace(/(\s*_measured \S+_)+\s*$/, '').trim();
const kept = new Map(
  [...previous.matchAll(SECTION)].map((m) => [m[1]!, { measured: m[2]!, text: withoutDate(m[3]!) }]),
);
for (const benchmark of BENCHMARKS) {
  if (only && !only.has(benchmark.key)) continue;
  const text = await benchmark.run();
  process.stdout.write(`\n${text}\n`);
  kept.set(benchmark.key, { measured: new Date().toISOString(), text });
}

const machine = [
  `- CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${os.platform()} ${os.release()}`,
  `- Node ${process.version}; ${version('wrk', ['-v'])}; ${version('/usr/sbin/nginx', ['-v'])}; autocannon ${version(process.execPath, ['-p', "require('autocannon/package.json').version"])}; vegeta ${VEGETA_VERSION} (go install: it reports no version of its own)`,
  quick ? '- --quick: memory long run 60 s, open-model runs 10 s' : '',
].filter(Boolean);
const body = BENCHMARKS.filter((b) => kept.has(b.key))
  .map(
    (b) =>
      `<!-- bench:${b.key} measured ${kept.get(b.key)!.measured} -->\n${kept.get(b.key)!.text}\n\n_measured ${kept.get(b.key)!.measured}_`,
  )
  .join('\n\n');
await writeFile(
  resultsFile,
  `# Benchmark results\n\nProduced by \`npm run bench\` (bench/run-all.ts). Each table comes from one run of its benchmark, with its peers measured in that same run (interleaved rounds, medians and ranges); the date under each says when.\n\nMachine:\n${machine.join('\n')}\n\n${body}\n`,
);
process.stdout.write('\nwrote bench/RESULTS.md\n');
