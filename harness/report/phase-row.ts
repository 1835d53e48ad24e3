import { formatMs, formatPercent, formatRate } from './format-number.ts';
import type { PhaseReport, RunReport } from './run-report.ts';

export const PHASE_ROW_HEADERS = [
  'phase',
  'requests',
  'dropped',
  'unsent',
  'target/s',
  'achieved/s',
  'errors',
  'p50 ms',
  'p90 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'send lag p99 ms',
] as const;

/** A phase's figures as text, in PHASE_ROW_HEADERS order: one row for the terminal table and the HTML page. */
export function phaseRow(p: PhaseReport): string[] {
  return [
    p.name,
    String(p.requests),
    String(p.dropped),
    // Reports written before send lag was recorded have neither field.
    String(p.unsent ?? 0),
    formatRate(p.targetRate),
    formatRate(p.achievedRate),
    formatPercent(p.errorRate),
    formatMs(p.latencyMs?.p50),
    formatMs(p.latencyMs?.p90),
    formatMs(p.latencyMs?.p95),
    formatMs(p.latencyMs?.p99),
    formatMs(p.latencyMs?.max),
    formatMs(p.sendLagMs?.p99),
  ];
}

export const STEP_ROW_HEADERS = [
  'phase',
  'step or flow',
  'requests',
  'errors',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'notes',
] as const;

/** Every phase's per-step and per-flow figures (flows: the whole iteration), in STEP_ROW_HEADERS order; none without flows. */
export function stepRows(report: RunReport): string[][] {
  return report.phases.flatMap((p) =>
    (p.steps ?? []).map((s) => [
      p.name,
      s.kind === 'flow' ? `flow ${s.name}` : s.name,
      String(s.requests),
      formatPercent(s.errorRate),
      formatMs(s.latencyMs?.p50),
      formatMs(s.latencyMs?.p95),
      formatMs(s.latencyMs?.p99),
      [
        s.incomplete ? `${s.incomplete} incomplete` : '',
        s.unexpectedStatuses
          ? `unexpected ${Object.entries(s.unexpectedStatuses)
              .map(([status, n]) => `${n}× ${status}`)
              .join(', ')}`
          : '',
        s.errorsByKind.capture ? `${s.errorsByKind.capture} captures failed` : '',
      ]
        .filter(Boolean)
        .join('; ') || '—',
    ]),
  );
}
