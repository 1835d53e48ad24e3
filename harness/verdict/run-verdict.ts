import type { CheckResult } from './evaluate-check.ts';

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

export const EXIT_CODE_OF_VERDICT: Record<Verdict, number> = { pass: 0, fail: 1, inconclusive: 3, aborted: 1 };
