import type { CheckResult } from '../checks/check-result.ts';

export type Verdict = 'pass' | 'fail' | 'aborted' | 'inconclusive';

export interface VerdictInput {
  checks: readonly CheckResult[];
  /** Set when the run was interrupted (SIGINT/SIGTERM) or stopped by a guard. */
  abortedBy?: string;
  /** Set when the harness or its infrastructure failed mid-run. */
  infrastructureError?: string;
}

/**
 * One verdict for the run. Order matters: an interrupted run is "aborted";
 * a harness failure is "inconclusive" (its data cannot be trusted); then any
 * failed check fails the run; then any check without evidence, or no checks at
 * all, makes it inconclusive. Only a run where every check passed is "pass".
 */
export function decideVerdict(input: VerdictInput): { verdict: Verdict; reason: string } {
  if (input.abortedBy) return { verdict: 'aborted', reason: `stopped by ${input.abortedBy}` };
  if (input.infrastructureError) return { verdict: 'inconclusive', reason: input.infrastructureError };
  const failed = input.checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) return { verdict: 'fail', reason: `${failed.length} of ${input.checks.length} checks failed` };
  const unknown = input.checks.filter((c) => c.status === 'inconclusive');
  if (unknown.length > 0) return { verdict: 'inconclusive', reason: `${unknown.length} checks had no evidence` };
  if (input.checks.length === 0) return { verdict: 'inconclusive', reason: 'the scenario states no checks' };
  return { verdict: 'pass', reason: `all ${input.checks.length} checks passed` };
}

/**
 * The process exit code of each outcome, so that CI can route on it (k6 keeps
 * thresholds, 99, apart from aborts, 105–108, the same way):
 * 0 pass · 1 a check failed · 2 invalid scenario or usage (no run) ·
 * 3 harness or infrastructure failure (inconclusive: its data cannot be
 * trusted) · 4 aborted (a guard pulled the brake, or an operator did) ·
 * 5 inconclusive (evidence missing: the service could be judged neither way) ·
 * 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP.
 */
export const EXIT_CODES = { pass: 0, fail: 1, usage: 2, harness: 3, aborted: 4, inconclusive: 5 } as const;
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** Exit code per verdict, when nothing more is known (an inconclusive run without a harness failure). */
export const EXIT_CODE_OF_VERDICT: Record<Verdict, number> = {
  pass: EXIT_CODES.pass,
  fail: EXIT_CODES.fail,
  inconclusive: EXIT_CODES.inconclusive,
  aborted: EXIT_CODES.aborted,
};

/** The exit code a run ends with: a signal's own code, a harness failure's 3, else its verdict's. */
export function exitCodeOf(input: { verdict: Verdict; abortedBy?: string; infrastructureError?: string }): number {
  if (input.verdict === 'aborted' && input.abortedBy && input.abortedBy in SIGNAL_EXIT_CODES)
    return SIGNAL_EXIT_CODES[input.abortedBy as keyof typeof SIGNAL_EXIT_CODES];
  if (input.verdict === 'inconclusive' && input.infrastructureError) return EXIT_CODES.harness;
  return EXIT_CODE_OF_VERDICT[input.verdict];
}
