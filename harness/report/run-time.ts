import type { RunReport } from './run-report.ts';

/**
 * One time convention for everything a person reads: seconds since the
 * run's start ("+12.3 s"), with the start itself shown once, in UTC.
 * (report.json and JUnit keep ISO timestamps: they are for machines.)
 */
export function sinceStart(report: Pick<RunReport, 'startedAt'>, iso: string): string {
  return `+${((Date.parse(iso) - Date.parse(report.startedAt)) / 1_000).toFixed(1)} s`;
}

/** "2026-11-28 21:50:35 UTC". */
export function utcTime(iso: string): string {
  return `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
}
