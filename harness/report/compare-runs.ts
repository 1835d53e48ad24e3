import type { CompareOptions, ComparisonFinding, ComparisonReport, RunReport } from './run-report.ts';
import { mannWhitneyGreater } from './mann-whitney.ts';

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = {
  latencyTolerancePercent: 10,
  errorRateTolerance: 0.005,
  alpha: 0.05,
  minSeconds: 5,
};

type Metric = ComparisonFinding['metric'];

function perSecond(report: RunReport, phase: string, metric: Metric): number[] {
  const seconds = report.timeseries.filter((s) => s.phase === phase && s.requests > 0);
  if (metric === 'error rate') return seconds.map((s) => s.errors / s.requests);
  return seconds.map((s) => (metric === 'p95' ? s.p95Ms : s.p99Ms)).filter((v): v is number => v !== null);
}

function phaseValue(phase: RunReport['phases'][number] | undefined, metric: Metric): number | null {
  if (!phase) return null;
  if (metric === 'error rate') return phase.errorRate;
  return phase.latencyMs ? phase.latencyMs[metric] : null;
}

const sendLagP99Ms = (report: RunReport, phase: string): number =>
  report.phases.find((p) => p.name === phase)?.sendLagMs?.p99 ?? 0;

const round = (value: number): number => Math.round(value * 1_000) / 1_000;

function judge(
  phase: string,
  metric: Metric,
  baselineReport: RunReport,
  currentReport: RunReport,
  options: CompareOptions,
): ComparisonFinding {
  const baseline = phaseValue(
    baselineReport.phases.find((p) => p.name === phase),
    metric,
  );
  const current = phaseValue(
    currentReport.phases.find((p) => p.name === phase),
    metric,
  );
  const base = {
    phase,
    metric,
    baseline: baseline === null ? null : round(baseline),
    current: current === null ? null : round(current),
  };
  const unjudged = (
    status: 'ok' | 'inconclusive',
    changePercent: number | null,
    reason: string,
  ): ComparisonFinding => ({
    ...base,
    changePercent,
    pValue: null,
    status,
    regression: false,
    reason,
  });
  if (baseline === null || current === null) return unjudged('inconclusive', null, 'no data on one side');
  const changePercent = baseline > 0 ? ((current - baseline) / baseline) * 100 : current > 0 ? Infinity : 0;
  const beyondTolerance =
    metric === 'error rate'
      ? current - baseline > options.errorRateTolerance
      : changePercent > options.latencyTolerancePercent;
  const toleranceText =
    metric === 'error rate'
      ? `+${(options.errorRateTolerance * 100).toFixed(2)} pp`
      : `+${options.latencyTolerancePercent}%`;
  const finite = Number.isFinite(changePercent) ? changePercent : null;
  // ordeal's own lateness is an error bar on latency (as in the verdict): a rise it could explain is not the service's.
  const lagBarMs =
    metric === 'error rate' ? 0 : 2 * Math.max(sendLagP99Ms(baselineReport, phase), sendLagP99Ms(currentReport, phase));
  if (!beyondTolerance) return unjudged('ok', finite, `within tolerance (${toleranceText})`);
  if (current - baseline <= lagBarMs)
    return unjudged(
      'ok',
      finite,
      `a rise of ${round(current - baseline)} ms, within twice ordeal's own send lag (p99 ${round(lagBarMs / 2)} ms): not the service's`,
    );
  const currentSeconds = perSecond(currentReport, phase, metric);
  const baselineSeconds = perSecond(baselineReport, phase, metric);
  if (currentSeconds.length < options.minSeconds || baselineSeconds.length < options.minSeconds)
    return unjudged(
      'inconclusive',
      finite,
      `beyond tolerance, but ${Math.min(currentSeconds.length, baselineSeconds.length)} seconds are too few to tell from noise`,
    );
  const test = mannWhitneyGreater(currentSeconds, baselineSeconds)!;
  const significant = test.pValue < options.alpha;
  return {
    ...base,
    changePercent: finite,
    pValue: round(test.pValue * 1_000) / 1_000,
    status: significant ? 'regression' : 'ok',
    regression: significant,
    reason: significant
      ? `beyond tolerance (${toleranceText}) and per-second values higher (Mann-Whitney p = ${test.pValue.toPrecision(2)} < ${options.alpha})`
      : `beyond tolerance (${toleranceText}) but within noise (Mann-Whitney p = ${test.pValue.toPrecision(2)} ≥ ${options.alpha})`,
  };
}

/** Per phase present in both runs: p95, p99 and error rate, current vs baseline. */
export function compareRuns(
  current: RunReport,
  baseline: RunReport,
  options: CompareOptions = DEFAULT_COMPARE_OPTIONS,
  baselineFile?: string,
): ComparisonReport {
  const phases = current.phases.map((p) => p.name).filter((name) => baseline.phases.some((p) => p.name === name));
  const findings = phases.flatMap((phase) =>
    (['p95', 'p99', 'error rate'] as const).map((metric) => judge(phase, metric, baseline, current, options)),
  );
  const regressions = findings.filter((f) => f.regression).length;
  const summary =
    regressions > 0
      ? `${regressions} regression(s) against ${baseline.runId}: ${findings
          .filter((f) => f.regression)
          .map((f) => `${f.phase} ${f.metric}`)
          .join(', ')}`
      : `no regression against ${baseline.runId} (${findings.length} comparisons over ${phases.length} phase${phases.length === 1 ? '' : 's'})`;
  return { baselineRunId: baseline.runId, baselineFile, options, regressions, summary, findings };
}
