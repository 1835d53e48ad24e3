import { emptyErrorCounts } from '../../harness/metrics/error-kind.ts';
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../harness/cli/summary-table.ts';
import { renderJunit } from '../../harness/report/junit-reporter.ts';
import { renderMarkdown } from '../../harness/report/markdown-reporter.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { syntheticReport } from '../support/synthetic-report.ts';

const plain = {
  bold: (t: string) => t,
  red: (t: string) => t,
  green: (t: string) => t,
  yellow: (t: string) => t,
  dim: (t: string) => t,
} as never;

/** A failed run against a dead dependency: 497 connections refused and 3 timeouts in one phase, two checks failed of five. */
function failedRun(): RunReport {
  const base = syntheticReport('dead-dep', [
    { name: 'baseline', p95PerSecondMs: [10, 10] },
    { name: 'primary-down', p95PerSecondMs: [900, 950] },
  ]);
  const check = (
    phase: string,
    name: string,
    metric: string,
    status: 'pass' | 'fail',
    observed: number,
    expected: string,
    reason?: string,
  ): RunReport['checks'][number] =>
    ({
      name,
      phase,
      metric,
      status,
      passed: status === 'pass',
      observed,
      expected,
      ...(reason ? { reason } : {}),
    }) as RunReport['checks'][number];
  return {
    ...base,
    verdict: 'fail',
    verdictReason: '2 of 5 checks failed',
    phases: base.phases.map((p) =>
      p.name === 'primary-down' ? { ...p, errorsByKind: { ...emptyErrorCounts(), timeout: 3, refused: 497 } } : p,
    ),
    checks: [
      check('baseline', 'http_req_failed rate<0.01', 'http_req_failed', 'pass', 0, 'rate<0.01'),
      check('primary-down', 'http_req_failed rate<0.01', 'http_req_failed', 'fail', 0.5, 'rate<0.01'),
      check(
        'primary-down',
        'failover to the replica',
        'failover',
        'fail',
        0,
        'replica serves traffic',
        'the replica served no traffic while the primary was down',
      ),
      check('baseline', 'http_req_duration p(95)<500', 'http_req_duration', 'pass', 10, 'p(95)<500'),
      check('primary-down', 'health ready stays OK', 'health', 'pass', 0, '/health/ready OK in every sample'),
    ],
    guards: [
      {
        name: 'error storm',
        condition: 'http_req_failed rate>0.9 for 10s',
        tripped: false,
        trippedAt: null,
        observed: null,
      },
    ] as unknown as RunReport['guards'],
  };
}

describe('reports lead with what went wrong', () => {
  it('the console verdict line names the failed checks, the table says the error kinds, a guard that never tripped says so', () => {
    const text = renderSummary(failedRun(), [], plain);
    expect(text).toContain(
      'verdict: FAIL — 2 of 5 checks failed: primary-down http_req_failed rate<0.01: observed 50.00%; primary-down failover to the replica: observed 0 (the replica served no traffic while the primary was down)',
    );
    expect(text).toContain('errors by kind:\n  primary-down: 497 connection refused, 3 timed out');
    expect(text).toContain('error storm: http_req_failed rate>0.9 for 10s — never tripped');
  });

  it('summary.md and the JUnit failure say the same', () => {
    const markdown = renderMarkdown(failedRun());
    expect(markdown).toContain('2 of 5 checks failed: primary-down http_req_failed rate<0.01');
    expect(markdown).toContain('**Errors by kind:** primary-down: 497 connection refused, 3 timed out.');
    expect(renderJunit(failedRun())).toContain(
      'observed 50.00%, expected rate&lt;0.01 (errors: 497 connection refused, 3 timed out)',
    );
  });

  it('names the first three and counts the rest', () => {
    const many = failedRun();
    many.checks = Array.from({ length: 5 }, (_, i) => ({ ...many.checks[1]!, name: `check ${i}` }));
    expect(renderSummary(many, [], plain)).toMatch(
      /check 0.*; primary-down check 1.*; primary-down check 2.*; and 2 more/,
    );
  });

  it('a pass says nothing more', () => {
    const passed = { ...failedRun(), verdict: 'pass' as const, verdictReason: 'all 5 checks passed', checks: [] };
    expect(renderSummary(passed, [], plain)).toContain('verdict: PASS — all 5 checks passed\n');
  });
});
