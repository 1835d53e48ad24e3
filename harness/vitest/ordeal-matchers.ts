/**
 * `ordeal/vitest`: matchers so a pre-release gate can be a test.
 *
 *   import 'ordeal/vitest';
 *   const report = await runScenario(scenario);
 *   expect(report).toPass();
 *   expect(report).toMeetSlo('peak', 'p(99)<1000');
 *   expect(report).toHaveCheck('breaker', 'pass');
 *
 * Failure messages show observed vs expected and where the report is.
 */
import { expect } from 'vitest';
import { formatObserved } from '../report/format-number.ts';
import type { RunReport } from '../report/run-report.ts';
import { decidingChecks } from '../report/what-went-wrong.ts';
import { parseThreshold, compare } from '../scenario/threshold.ts';
import { percentileMsOfSummary } from './summary-percentile.ts';

type Check = RunReport['checks'][number];
type Result = { pass: boolean; message: () => string };

/** Where to look: the report's folder when ordeal wrote one (publishReport sets reportPath), else its run id. */
function where(report: RunReport & { reportPath?: string }): string {
  return report.reportPath ? `report: ${report.reportPath}` : `run ${report.runId}`;
}

function describe(check: Check): string {
  return `${check.phase} ${check.name}: observed ${formatObserved(check.observed, check.metric, check.expected, check.unit)}, expected ${check.expected} — ${check.status.toUpperCase()}${check.reason ? ` (${check.reason})` : ''}`;
}

function isReport(value: unknown): value is RunReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as RunReport).schemaVersion === 1 &&
    Array.isArray((value as RunReport).checks)
  );
}

function notAReport(value: unknown): Result {
  return {
    pass: false,
    message: () => `expected an ordeal report (runScenario's result, or report.json parsed), got ${typeof value}`,
  };
}

export const ordealMatchers = {
  /** The run's verdict is PASS. */
  toPass(received: unknown): Result {
    if (!isReport(received)) return notAReport(received);
    const pass = received.verdict === 'pass';
    return {
      pass,
      message: () =>
        pass
          ? `expected the run not to pass, but it did (${received.verdictReason}); ${where(received)}`
          : `expected the run to pass, but its verdict is ${received.verdict.toUpperCase()}: ${received.verdictReason}${decidingChecks(received) ? `: ${decidingChecks(received)}` : ''}; ${where(received)}`,
    };
  },

  /**
   * A phase meets a threshold on its recorded figures, in k6 syntax: "p(99)<1000"
   * (http_req_duration, ms), "rate<0.01" (http_req_failed), whether or not the
   * scenario stated it. Missing evidence (the phase did not run) fails.
   */
  toMeetSlo(received: unknown, phaseName: string, threshold: string): Result {
    if (!isReport(received)) return notAReport(received);
    const phase = received.phases.find((p) => p.name === phaseName);
    if (!phase)
      return {
        pass: false,
        message: () =>
          `no phase "${phaseName}" in the run (phases: ${received.phases.map((p) => p.name).join(', ')}); ${where(received)}`,
      };
    const parsed = parseThreshold(threshold);
    if (!parsed)
      return {
        pass: false,
        message: () => `"${threshold}" is not a threshold (use e.g. "p(99)<1000", "avg<200", "rate<0.01")`,
      };
    const { aggregation } = parsed;
    const observed =
      aggregation.kind === 'rate'
        ? phase.errorRate
        : aggregation.kind === 'percentile'
          ? percentileMsOfSummary(phase.latencyMs, aggregation.percentile)
          : aggregation.kind === 'max'
            ? (phase.latencyMs?.max ?? null)
            : aggregation.kind === 'med'
              ? (phase.latencyMs?.p50 ?? null)
              : null;
    if (observed === null)
      return {
        pass: false,
        message: () =>
          `phase ${phaseName} has no evidence for ${threshold} (it recorded no ${aggregation.kind === 'rate' ? 'request' : 'latency'}, or the report does not keep that aggregation); ${where(received)}`,
      };
    const pass = compare(observed, parsed.operator, parsed.value);
    const shown = aggregation.kind === 'rate' ? `${(observed * 100).toFixed(2)}%` : `${observed} ms`;
    return {
      pass,
      message: () =>
        `expected phase ${phaseName} ${pass ? 'not ' : ''}to meet ${threshold}: observed ${shown}; ${where(received)}`,
    };
  },

  /** A check of this kind (metric, or a name it contains) has this status in the run. */
  toHaveCheck(received: unknown, kindOrName: string, status: Check['status'] = 'pass'): Result {
    if (!isReport(received)) return notAReport(received);
    const matching = received.checks.filter((c) => c.metric === kindOrName || c.name.includes(kindOrName));
    if (matching.length === 0)
      return {
        pass: false,
        message: () =>
          `no check "${kindOrName}" in the run (checks: ${[...new Set(received.checks.map((c) => c.metric))].join(', ')}); ${where(received)}`,
      };
    const pass = matching.every((c) => c.status === status);
    const off = matching.filter((c) => c.status !== status);
    return {
      pass,
      message: () =>
        pass
          ? `expected check ${kindOrName} not to be ${status}, and every one is: ${matching.map(describe).join('; ')}`
          : `expected check ${kindOrName} to be ${status}: ${off.map(describe).join('; ')}; ${where(received)}`,
    };
  },
};

expect.extend(ordealMatchers);

interface OrdealMatchers<R = unknown> {
  toPass(): R;
  toMeetSlo(phase: string, threshold: string): R;
  toHaveCheck(kindOrName: string, status?: 'pass' | 'fail' | 'inconclusive'): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any -- merges into vitest's own declaration, which says `any`
  interface Assertion<T = any> extends OrdealMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends OrdealMatchers {}
}
