import { formatObserved, formatSeconds } from '../report/format-number.ts';
import { PHASE_ROW_HEADERS, phaseRow, STEP_ROW_HEADERS, stepRows } from '../report/phase-row.ts';
import type { RunReport } from '../report/run-report.ts';
import { sinceStart } from '../report/run-time.ts';
import { decidingChecks, errorKindLines } from '../report/what-went-wrong.ts';
import type { OutputStyle } from './output-style.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  '),
  );
}

/** The end-of-run summary printed by the CLI: phases, checks, verdict. */
export function renderSummary(report: RunReport, files: readonly string[], style: OutputStyle): string {
  const phaseRows = [[...PHASE_ROW_HEADERS], ...report.phases.map(phaseRow)];
  const mark = { pass: style.green('PASS'), fail: style.red('FAIL'), inconclusive: style.yellow('INCONCLUSIVE') };
  const checkRows = [
    ['check', 'phase', 'observed', 'expected', 'result'],
    ...report.checks.map((c) => [
      c.metric === 'http_req_duration' || c.metric === 'http_req_failed' || c.metric === 'http_reqs'
        ? c.metric
        : c.name,
      c.phase,
      c.observed === null && c.status === 'fail' && c.reason
        ? c.reason
        : formatObserved(c.observed, c.metric, c.expected, c.unit),
      c.expected,
      c.status,
    ]),
  ];
  const checkLines = table(checkRows).map((line, index) => {
    const status = index === 0 ? undefined : report.checks[index - 1]!.status;
    return status ? line.replace(new RegExp(`${status}$`), mark[status]) : line;
  });
  const verdictText = {
    pass: style.green('PASS'),
    fail: style.red('FAIL'),
    aborted: style.red('ABORTED'),
    inconclusive: style.yellow('INCONCLUSIVE'),
  }[report.verdict];
  const timingRows = [
    ['reaction', 'detect', 'recover', 'failover gap', 'scale-up'],
    ...report.resilience.map((r) => [
      `${r.phase}${r.faults.length ? ` (${r.faults.join('; ')})` : ''}`,
      formatSeconds(r.timeToDetectMs),
      formatSeconds(r.timeToRecoverMs),
      formatSeconds(r.failoverGapMs),
      formatSeconds(r.scaleUpLatencyMs),
    ]),
  ];
  return [
    '',
    `load: ${report.load.driver}, ${report.load.model} model${report.load.model === 'closed' ? ' (latency from the actual send: stalls are under-reported)' : ' (latency from the intended send time)'}`,
    ...table(phaseRows),
    ...(stepRows(report).length > 0 ? ['', ...table([[...STEP_ROW_HEADERS], ...stepRows(report)])] : []),
    ...(errorKindLines(report).length > 0
      ? ['errors by kind:', ...errorKindLines(report).map((line) => `  ${line}`)]
      : []),
    '',
    ...checkLines,
    '',
    ...(report.resilience.length > 0 ? [...table(timingRows), ''] : []),
    ...(report.guards.length > 0 ? ['guards:'] : []),
    ...report.guards.map(
      (g) =>
        `  ${g.name}: ${g.condition} — ${g.tripped ? style.red(`TRIPPED at ${g.trippedAt ? sinceStart(report, g.trippedAt) : '?'}: ${g.observed}`) : 'never tripped'}`,
    ),
    ...(report.guards.length > 0 ? [''] : []),
    ...(report.warnings ?? []).map((w) => style.yellow(`⚠ ${w}`)),
    `${style.bold('verdict:')} ${verdictText} — ${report.verdictReason}${decidingChecks(report) ? `: ${decidingChecks(report)}` : ''}`,
    ...(report.error ? [`harness error: ${report.error}`] : []),
    ...(report.comparison
      ? [
          `compared: ${report.comparison.regressions > 0 ? style.red(report.comparison.summary) : report.comparison.summary}`,
        ]
      : []),
    ...files.map((file) => `report: ${file}`),
    '',
  ].join('\n');
}
