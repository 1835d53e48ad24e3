/** A check's outcome: judged (pass, fail) or not (inconclusive, with the reason). */
export type CheckStatus = 'pass' | 'fail' | 'inconclusive';

export interface CheckResult {
  name: string;
  phase: string;
  /** The SLO metric (http_req_duration, …) or the check kind (breaker, alert, …). */
  metric: string;
  status: CheckStatus;
  passed: boolean;
  observed: number | null;
  expected: string;
  reason?: string;
  /** The unit of `observed` when its metric does not say it: "s", "requests", "%". */
  unit?: string;
}
