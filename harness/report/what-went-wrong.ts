import type { ErrorCounts } from '../metrics/error-kind.ts';
import { ERROR_KINDS } from '../metrics/error-kind.ts';
import { formatObserved } from './format-number.ts';
import type { RunReport } from './run-report.ts';

/** How people say each error kind. */
const ERROR_KIND_WORDS: Record<(typeof ERROR_KINDS)[number], string> = {
  refused: 'connection refused',
  reset: 'connection reset or closed mid-response',
  connection: 'other connection failures',
  unexpected_status: 'unexpected status',
  capture: 'capture failed (rest of the iteration skipped)',
  timeout: 'timed out',
  http_5xx: 'HTTP 5xx',
  http_4xx: 'HTTP 4xx',
};

/** "497 connection refused or reset, 3 timed out" — the kinds with a count, most first; empty when none. */
export function describeErrorKinds(counts: Partial<ErrorCounts>): string {
  // A report written before a kind existed has no count for it.
  const count = (kind: (typeof ERROR_KINDS)[number]): number => counts[kind] ?? 0;
  return ERROR_KINDS.filter((kind) => count(kind) > 0)
    .sort((a, b) => count(b) - count(a))
    .map((kind) => `${count(kind)} ${ERROR_KIND_WORDS[kind]}`)
    .join(', ');
}

/** One line per phase that had errors: "ledger-primary-down: 497 connection refused or reset, 3 timed out". */
export function errorKindLines(report: RunReport): string[] {
  return report.phases
    .map((p) => ({
      name: p.name,
      parts: [
        describeErrorKinds(p.errorsByKind),
        p.dropped > 0 ? `${p.dropped} dropped (not sent: the in-flight cap was full)` : '',
      ].filter(Boolean),
    }))
    .filter((p) => p.parts.length > 0)
    .map((p) => `${p.name}: ${p.parts.join('; ')}`);
}

/** A check as one clause: "peak http_req_duration p(95)<500: observed 812 ms (the reason)". */
export function describeCheck(check: RunReport['checks'][number]): string {
  const observed =
    check.observed === null
      ? ''
      : `: observed ${formatObserved(check.observed, check.metric, check.expected, check.unit)}`;
  return `${check.phase} ${check.name}${observed}${check.reason ? ` (${check.reason})` : ''}`;
}

/**
 * The checks that decided a verdict that is not a pass, named: the failed
 * ones (or, for an inconclusive run, the ones without evidence), the first
 * `limit`, then "and N more".
 */
export function decidingChecks(report: RunReport, limit = 3): string {
  const status = report.verdict === 'inconclusive' ? 'inconclusive' : 'fail';
  const deciding = report.checks.filter((c) => c.status === status);
  if (report.verdict === 'pass' || deciding.length === 0) return '';
  const named = deciding.slice(0, limit).map(describeCheck).join('; ');
  return deciding.length > limit ? `${named}; and ${deciding.length - limit} more` : named;
}
