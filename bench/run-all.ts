/**
 * `npm run bench`: every benchmark, each with its peer measured in the same
 * run; prints the tables and writes them, with the machine, to bench/RESULTS.md.
 * `--quick` shortens the memory run (60 s instead of 5 min) and the open-model
 * runs (10 s instead of 20 s).
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { accuracyTable, benchLatencyAccuracy } from './latency-accuracy.ts';
import { benchCoordinatedOmission, coTable } from './coordinated-omission.ts';
import { benchMemory, memoryTable } from './memory.ts';
import { benchThroughput, throughputTable } from './throughput.ts';
import { benchOpenModel, openModelTable } from './open-model.ts';
import { benchSaturation, saturationTable } from './saturation.ts';
import { benchMaxRate, maxRateTable } from './max-rate.ts';
import { VEGETA } from './peers/vegeta.ts';

const quick = process.argv.includes('--quick');
const memoryRate = Number(process.env.ORDEAL_BENCH_MEMORY_RATE ?? 5_000);

function version(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    return out.split('\n')[0]!.trim();
  } catch (error) {
    // wrk prints its version to stdout and exits 1; nginx prints it to stderr.
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    return (`${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.trim() || 'unknown').split('\n')[0]!.trim();
  }
}

const sections: string[] = [];
const print = (text: string): void => {
  process.stdout.write(`\n${text}\n`);
  sections.push(text);
};

print(openModelTable(await benchOpenModel([1_000, 5_000, 10_000], quick ? 10 : 20)));
print(saturationTable(await benchSaturation()));
print(maxRateTable(await benchMaxRate()));
print(throughputTable(await benchThroughput()));
print(accuracyTable(await benchLatencyAccuracy()));
print(coTable(await benchCoordinatedOmission()));
print(memoryTable(await benchMemory(memoryRate, quick ? 60 : 300, 30), memoryRate));

const machine = [
  `- CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${os.platform()} ${os.release()}`,
  `- Node ${process.version}; ${version('wrk', ['-v'])}; ${version('/usr/sbin/nginx', ['-v'])}; autocannon ${version(process.execPath, ['-p', "require('autocannon/package.json').version"])}; vegeta ${version(VEGETA, ['-version'])}`,
  `- measured ${new Date().toISOString()}${quick ? ' (--quick: memory long run 60 s, open-model runs 10 s)' : ''}`,
];
await writeFile(
  new URL('./RESULTS.md', import.meta.url),
  `# Benchmark results\n\nProduced by \`npm run bench\` (bench/run-all.ts). Every figure below comes from one run, with its peer measured in the same run.\n\nMachine:\n${machine.join('\n')}\n\n${sections.join('\n\n')}\n`,
);
process.stdout.write('\nwrote bench/RESULTS.md\n');
