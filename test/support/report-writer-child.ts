/**
 * Child process for the "kill during report writing" test: writes a large
 * report again and again into the folder given as argv[2], each time with a
 * different generation number. Prints "writing <n> <ms the last write took>"
 * before each write, so the test can aim its kill inside one.
 */
import { writeReports } from '../../harness/report/write-reports.ts';
import { syntheticReport } from './synthetic-report.ts';

const reportDir = process.argv[2]!;
const base = syntheticReport('killed-while-writing', [
  { name: 'peak', p95PerSecondMs: Array.from({ length: 20_000 }, (_, i) => 3 + (i % 7)) },
]);
let lastWriteMs = 0;
for (let generation = 1; ; generation++) {
  const report = { ...base, verdictReason: `generation ${generation}` };
  process.stdout.write(`writing ${generation} ${lastWriteMs}\n`);
  const startedMs = performance.now();
  await writeReports(report, reportDir);
  lastWriteMs = performance.now() - startedMs;
}
