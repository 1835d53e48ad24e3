import type { RunReport } from './run-report.ts';
import { sinceStart } from './run-time.ts';

/** What a checkpoint is made from: the run as it stands (the live console's snapshot). */
export interface RunSoFar {
  report: RunReport;
  runningPhase?: string;
  /** Per phase that ended: from when (epoch ms) its checks are settled. */
  settledAtMs: Record<string, number>;
  nowMs: number;
}

/**
 * A checkpoint of a run still going: the checks of phases whose data is complete (settled) are kept as judged;
 * every other check is inconclusive "so far"; the verdict is inconclusive, saying where the run stood. Never a
 * PASS for a part that had not finished. Pure.
 */
export function checkpointReport(soFar: RunSoFar, atIso = new Date(soFar.nowMs).toISOString()): RunReport {
  const { report, runningPhase, settledAtMs, nowMs } = soFar;
  const settled = Object.entries(settledAtMs)
    .filter(([, atMs]) => atMs <= nowMs)
    .map(([phase]) => phase);
  const checks = report.checks.map((check) =>
    settled.includes(check.phase)
      ? check
      : {
          ...check,
          status: 'inconclusive' as const,
          passed: false,
          reason: `so far (${check.status}${check.reason ? `: ${check.reason}` : ''}): the phase had not ended, or its data was not complete, at this checkpoint`,
        },
  );
  const where = runningPhase ? `during phase ${runningPhase}` : 'between phases';
  return {
    ...report,
    verdict: 'inconclusive',
    verdictReason: `checkpoint at ${sinceStart(report, atIso)} ${where}: the run was still going (${settled.length} of ${report.phases.length} phases settled)`,
    exitCode: 5,
    checks,
    checkpoint: { at: atIso, runningPhase: runningPhase ?? null, settledPhases: settled },
  };
}

/**
 * A checkpoint whose run never replaced it (ordeal and its watchdog killed, the machine stopped), as a final
 * report: interrupted, so aborted (exit 4), with every phase settled at the checkpoint still judged. Other reports
 * are returned as they are.
 */
export function finishInterrupted(report: RunReport): RunReport {
  if (!report.checkpoint || report.checkpoint.interrupted) return report;
  const { checkpoint } = report;
  const where = checkpoint.runningPhase ? `during phase ${checkpoint.runningPhase}` : 'between phases';
  return {
    ...report,
    verdict: 'aborted',
    verdictReason: `interrupted: ordeal stopped ${where} and never finished the run; this is its last checkpoint (${sinceStart(report, checkpoint.at)}), with ${checkpoint.settledPhases.length} of ${report.phases.length} phases judged`,
    exitCode: 4,
    checkpoint: { ...checkpoint, interrupted: true },
  };
}
