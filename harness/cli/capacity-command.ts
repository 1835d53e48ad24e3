import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { capacitySummary, capacityTable, type CapacityReport } from '../capacity/capacity-report.ts';
import { findCapacity, heldFaultsOf } from '../capacity/find-capacity.ts';
import { renderCapacityHtml } from '../capacity/capacity-html.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { assertWritableFolder } from '../report/writable-folder.ts';
import { createRunId } from '../run/run-id.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { EXIT_CODES, SIGNAL_EXIT_CODES } from '../verdict/run-verdict.ts';
import { StopSignals } from './stop-signals.ts';
import type { CliIo } from './cli-io.ts';

export interface CapacityCommandOptions {
  phase?: string;
  startRate?: number;
  maxRate?: number;
  settle?: number;
  hold?: number;
  cooldown?: number;
  budget?: number;
  precision?: number;
  requireHeadroom?: number;
  reportDir?: string;
  allowNonLoopback?: boolean;
  /** N−1: the search again with this phase's faults held through every step. */
  nMinus1?: string;
}

/**
 * The exit code CI routes on: 0 when the headroom asked for is there (or none was asked and the service held the
 * start rate), 1 when it is not, 5 when ordeal could not find out (its own limit or the budget came first, below
 * the headroom asked for), 4 when a guard or an unjudgeable step stopped the search.
 */
export function capacityExitCode(report: CapacityReport): number {
  if (report.heldRate === null) return report.limitedBy === 'service' ? EXIT_CODES.fail : EXIT_CODES.inconclusive;
  const enough = report.requiredHeadroom === null || (report.headroom ?? 0) >= report.requiredHeadroom;
  if (enough) return EXIT_CODES.pass;
  if (report.limitedBy === 'service' || report.limitedBy === 'ceiling') return EXIT_CODES.fail;
  return report.limitedBy === 'stopped' ? EXIT_CODES.aborted : EXIT_CODES.inconclusive;
}

/** `ordeal capacity <scenario>`: the search, a line per step as it ends, then capacity.json and capacity.md. */
export async function capacityCommand(file: string, options: CapacityCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenario(file);
  if (options.maxRate !== undefined && options.maxRate > scenario.limits.maxRatePerSec)
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `--max-rate: ${options.maxRate} is over the scenario's limits.maxRatePerSec (${scenario.limits.maxRatePerSec}); raise the limit in the scenario first`,
    );
  // A typo in --n-minus-1 is said before the healthy search sends anything.
  heldFaultsOf(scenario, options.nMinus1);
  const reportDir = path.resolve(options.reportDir ?? 'reports');
  await assertWritableFolder('--report-dir', reportDir);
  const search = (faultsOf: string | undefined, signal: AbortSignal): Promise<CapacityReport> =>
    findCapacity(scenario, {
      ...(options.phase !== undefined ? { phase: options.phase } : {}),
      ...(options.startRate !== undefined ? { startRate: options.startRate } : {}),
      ...(options.maxRate !== undefined ? { maxRate: options.maxRate } : {}),
      ...(options.settle !== undefined ? { settleMs: options.settle } : {}),
      ...(options.hold !== undefined ? { holdMs: options.hold } : {}),
      ...(options.cooldown !== undefined ? { cooldownMs: options.cooldown } : {}),
      ...(options.budget !== undefined ? { budgetMs: options.budget } : {}),
      ...(options.precision !== undefined ? { precision: options.precision } : {}),
      ...(options.requireHeadroom !== undefined ? { requireHeadroom: options.requireHeadroom } : {}),
      ...(faultsOf !== undefined ? { faultsOf } : {}),
      run: { allowNonLoopback: options.allowNonLoopback === true, signal },
      onStep: (step) =>
        void io.stderr.write(
          `ordeal capacity${faultsOf !== undefined ? ' (N−1)' : ''}: ${step.stage} ${step.rate} req/s: ${step.kind}${step.p99Ms !== null ? ` (p99 ${step.p99Ms} ms)` : ''}${step.kind === 'pass' ? '' : `: ${step.reason}`}\n`,
        ),
    });
  // SIGINT, SIGTERM or SIGHUP: the step running stops (its faults removed, as in any run), the search ends there,
  // and what it found so far is written; the exit code is the signal's.
  const stop = new StopSignals(io.stderr).listen();
  let healthy: CapacityReport;
  let degraded: CapacityReport | undefined;
  try {
    healthy = await search(undefined, stop.signal);
    degraded =
      options.nMinus1 !== undefined && !stop.interruptedBy ? await search(options.nMinus1, stop.signal) : undefined;
  } finally {
    stop.close();
  }
  const report: CapacityReport = degraded ? { ...healthy, nMinus1: degraded } : healthy;
  const summary = [healthy, ...(degraded ? [degraded] : [])]
    .map((r) => `${capacitySummary(r)}\n\n${capacityTable(r)}`)
    .join('\n\n');
  const folder = path.join(reportDir, `capacity-${createRunId(scenario.name, Date.now())}`);
  await mkdir(folder, { recursive: true });
  const markdown = `# Capacity of ${report.scenario}\n\n${summary}\n`;
  await writeFileAtomic(path.join(folder, 'capacity.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(path.join(folder, 'capacity.md'), markdown);
  await writeFileAtomic(path.join(folder, 'capacity.html'), renderCapacityHtml(report));
  io.stdout.write(`${summary}\n\nwrote ${path.join(folder, 'capacity.json')}\n`);
  if (stop.interruptedBy) return SIGNAL_EXIT_CODES[stop.interruptedBy];
  return searchesExitCode(healthy, degraded);
}

/** With --n-minus-1 the gate holds for both: the healthy answer's code first, then the N−1 one's. */
export function searchesExitCode(healthy: CapacityReport, degraded?: CapacityReport): number {
  const healthyCode = capacityExitCode(healthy);
  return healthyCode !== 0 || !degraded ? healthyCode : capacityExitCode(degraded);
}
