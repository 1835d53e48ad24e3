/**
 * Child process for the "kill during report writing" test: writes a large
 * report again and again into the folder given as argv[2], each time with a
 * different generation number. Prints "writing <n> <ms the last write took>"
 * before each write, so the test can aim its kill inside one.
 */
import { writeReports } from '../../harness/report/write-reports.ts';
import type { RunReport } from '../../harness/report/run-report.ts';

const reportDir = process.argv[2]!;
const timeseries = Array.from({ length: 60_000 }, (_, second) => ({ second, phase: 'peak', requests: 100, dropped: 0, errors: 1, p50Ms: 1.5, p95Ms: 3.25, p99Ms: 9.75 }));
let lastWriteMs = 0;
for (let generation = 1; ; generation++) {
  const report = {
    schemaVersion: 1,
    runId: 'killed-while-writing',
    verdict: 'pass',
    verdictReason: `generation ${generation}`,
    scenario: { name: 'big' },
    target: 'http://127.0.0.1:1',
    load: { driver: 'ordeal', model: 'open', connections: 1, timeScale: 1 },
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: 0,
    phases: [],
    checks: [],
    faults: [],
    guards: [],
    signals: { series: [], alerts: [] },
    errorsByKind: { http_4xx: 0, http_5xx: 0, timeout: 0, connection: 0 },
    resilience: [],
    timeseries,
    environment: { ordeal: '0', node: process.version, platform: '', cpus: 1, hostname: '', maxRssBytes: 0 },
  } as unknown as RunReport;
  process.stdout.write(`writing ${generation} ${lastWriteMs}\n`);
  const startedMs = performance.now();
  await writeReports(report, reportDir);
  lastWriteMs = performance.now() - startedMs;
}
