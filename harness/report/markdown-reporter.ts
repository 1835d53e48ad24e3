import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { formatMs, formatObserved, formatPercent, formatRate, formatSeconds } from './format-number.ts';
import { STEP_ROW_HEADERS, stepRows } from './phase-row.ts';
import type { ReportContext, Reporter } from './reporter.ts';
import type { RunReport } from './run-report.ts';
import { sinceStart, utcTime } from './run-time.ts';
import { decidingChecks, errorKindLines } from './what-went-wrong.ts';
import { describeErrorBudget } from './error-budget.ts';
import { describeSelf } from './self-health.ts';

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const STATUS_MARK = { pass: '✅ pass', fail: '❌ FAIL', inconclusive: '⚠️ inconclusive' } as const;

export function renderMarkdown(report: RunReport, context: ReportContext = {}): string {
  const lines = [
    `# ordeal: ${report.scenario.name} — **${report.verdict.toUpperCase()}**`,
    '',
    `${report.verdictReason}${decidingChecks(report) ? `: ${decidingChecks(report)}` : ''}. Run \`${report.runId}\`, started ${utcTime(report.startedAt)}, ${(report.durationMs / 1_000).toFixed(1)} s${report.load.timeScale !== 1 ? ` (time scale ${report.load.timeScale}×)` : ''}, target ${report.target}, ${report.load.driver} (${report.load.model} model).`,
    '',
    ...(report.warnings ?? []).flatMap((w) => [`> ⚠️ ${w}`, '']),
    ...(report.errorBudget ? [`**${capitalised(describeErrorBudget(report.errorBudget))}.**`, ''] : []),
    ...(describeSelf(report) ? [`${describeSelf(report)!}.`, ''] : []),
    ...(errorKindLines(report).length > 0
      ? ['**Errors by kind:** ' + errorKindLines(report).join('; ') + '.', '']
      : []),
    '| phase | requests | dropped | target/s | achieved/s | errors | p50 ms | p95 ms | p99 ms | max ms | faults |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...report.phases.map(
      (p) =>
        `| ${p.name} | ${p.requests} | ${p.dropped} | ${formatRate(p.targetRate)} | ${formatRate(p.achievedRate)} | ${formatPercent(p.errorRate)} | ${formatMs(p.latencyMs?.p50)} | ${formatMs(p.latencyMs?.p95)} | ${formatMs(p.latencyMs?.p99)} | ${formatMs(p.latencyMs?.max)} | ${p.faults.join('; ') || '—'} |`,
    ),
    ...(stepRows(report).length > 0
      ? [
          '',
          `| ${STEP_ROW_HEADERS.join(' | ')} |`,
          `|---|---|${'---:|'.repeat(5)}---|`,
          ...stepRows(report).map((row) => `| ${row.join(' | ')} |`),
        ]
      : []),
    '',
    '| check | phase | observed | expected | result |',
    '|---|---|---:|---|---|',
    ...report.checks.map(
      (c) =>
        `| ${c.name} | ${c.phase} | ${formatObserved(c.observed, c.metric, c.expected, c.unit)} | \`${c.expected}\` | ${STATUS_MARK[c.status]}${c.reason ? ` (${c.reason})` : ''} |`,
    ),
  ];
  if (report.resilience.length > 0) {
    lines.push('', '| reaction | detect | recover | failover gap | scale-up |', '|---|---:|---:|---:|---:|');
    for (const r of report.resilience) {
      lines.push(
        `| ${r.phase}${r.faults.length ? ` (${r.faults.join('; ')})` : ''} | ${formatSeconds(r.timeToDetectMs)} | ${formatSeconds(r.timeToRecoverMs)} | ${formatSeconds(r.failoverGapMs)} | ${formatSeconds(r.scaleUpLatencyMs)} |`,
      );
    }
  }
  if (report.guards.length > 0) {
    lines.push('', '| guard | condition | result |', '|---|---|---|');
    for (const g of report.guards)
      lines.push(
        `| ${g.name} | \`${g.condition}\` | ${g.tripped ? `🛑 tripped at ${g.trippedAt ? sinceStart(report, g.trippedAt) : '?'}: ${g.observed}` : 'never tripped'} |`,
      );
  }
  if (report.annotations?.length) {
    lines.push('', '| at | phase | operator note |', '|---:|---|---|');
    for (const note of report.annotations)
      lines.push(`| ${sinceStart(report, note.at)} | ${note.phase ?? '—'} | ${markdownText(note.text)} |`);
  }
  if (report.error) lines.push('', `**Harness error:** ${report.error}`);
  const comparison = report.comparison;
  if (comparison) {
    lines.push('', `**Compared with ${comparison.baselineRunId}:** ${comparison.summary}.`);
    const shown = comparison.findings.filter((f) => f.status !== 'ok');
    if (shown.length > 0) {
      lines.push(
        '',
        '| phase | metric | baseline | this run | change | p | result |',
        '|---|---|---:|---:|---:|---:|---|',
      );
      for (const f of shown) {
        lines.push(
          `| ${f.phase} | ${f.metric} | ${f.baseline ?? '—'} | ${f.current ?? '—'} | ${f.changePercent === null ? '—' : `${f.changePercent > 0 ? '+' : ''}${f.changePercent.toFixed(1)}%`} | ${f.pValue ?? '—'} | ${f.regression ? '❌ regression' : '⚠️ ' + f.reason} |`,
        );
      }
    }
  }
  const links = (context.siblings ?? ['report.json']).filter((name) => name !== 'summary.md');
  if (links.length > 0) lines.push('', `Files: ${links.map((name) => `[${name}](${name})`).join(' · ')}`);
  lines.push('');
  return lines.join('\n');
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  fileName: 'summary.md',
  async write(report: RunReport, runDir: string, context?: ReportContext): Promise<string> {
    const file = path.join(runDir, 'summary.md');
    await writeFileAtomic(file, renderMarkdown(report, context));
    return file;
  },
};

/** Typed text shown as itself in Markdown: no table cell split, no link, image or emphasis made of it. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]()!<>|#~]/g, (c) => `\\${c}`);
}
