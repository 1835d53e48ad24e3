import { formatMs, formatPercent, formatRate } from './format-number.ts';
import type { PhaseReport } from './run-report.ts';

export const PHASE_ROW_HEADERS = ['phase', 'requests', 'dropped', 'unsent', 'target/s', 'achieved/s', 'errors', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'send lag p99 ms'] as const;

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
