import { formatMs, formatObserved, formatPercent, formatRate } from '../report/format-number.ts';
import type { RunReport } from '../report/run-report.ts';
import type { OutputStyle } from './output-style.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
}

/** The end-of-run summary printed by the CLI: phases, checks, verdict. */
export function renderSummary(report: RunReport, files: readonly string[], style: OutputStyle): string {
  const phaseRows = [
    ['phase', 'requests', 'dropped', 'target/s', 'achieved/s', 'errors', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'],
    ...report.phases.map((p) => [
      p.name,
      String(p.requests),
      String(p.dropped),
      formatRate(p.targetRate),
      formatRate(p.achievedRate),
      formatPercent(p.errorRate),
      formatMs(p.latencyMs?.p50),
      formatMs(p.latencyMs?.p90),
      formatMs(p.latencyMs?.p95),
      formatMs(p.latencyMs?.p99),
      formatMs(p.latencyMs?.max),
    ]),
  ];
  const mark = { pass: style.green('PASS'), fail: style.red('FAIL'), inconclusive: style.yellow('INCONCLUSIVE') };
  const checkRows = [
    ['check', 'phase', 'observed', 'expected', 'result'],
    ...report.checks.map((c) => [c.metric, c.phase, formatObserved(c.observed, c.metric), c.expected, c.status]),
  ];
  const checkLines = table(checkRows).map((line, index) => {
    const status = index === 0 ? undefined : report.checks[index - 1]!.status;
    return status ? line.replace(new RegExp(`${status}$`), mark[status]) : line;
  });
  const verdictText = { pass: style.green('PASS'), fail: style.red('FAIL'), aborted: style.red('ABORTED'), inconclusive: style.yellow('INCONCLUSIVE') }[report.verdict];
  return [
    '',
    `load: ${report.load.driver}, ${report.load.model} model${report.load.model === 'closed' ? ' (latency from the actual send: stalls are under-reported)' : ' (latency from the intended send time)'}`,
    ...table(phaseRows),
    '',
    ...checkLines,
    '',
    `${style.bold('verdict:')} ${verdictText} — ${report.verdictReason}`,
    ...(report.error ? [`harness error: ${report.error}`] : []),
    ...files.map((file) => `report: ${file}`),
    '',
  ].join('\n');
}
