import { describe, expect, it } from 'vitest';
import { createOutputStyle } from '../../harness/cli/output-style.ts';
import { renderSummary } from '../../harness/cli/summary-table.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';

describe('the end-of-run summary', () => {
  it('shows why a check without a value failed, instead of "no data"', () => {
    const report = syntheticReport('summary', [{ name: 'market-data-slow', p95PerSecondMs: noisy(200, 10, 5) }], {
      verdict: 'fail',
      checks: [
        {
          name: 'breaker market-data opens within 5s',
          phase: 'market-data-slow',
          metric: 'breaker',
          status: 'fail',
          passed: false,
          observed: null,
          expected: 'open within 5s',
          reason: 'the breaker never opened',
        },
        {
          name: 'alert X fires within 10s',
          phase: 'market-data-slow',
          metric: 'alert',
          status: 'inconclusive',
          passed: false,
          observed: null,
          expected: 'firing within 10s',
          reason: 'Prometheus did not answer',
        },
      ],
    });
    const text = renderSummary(
      report,
      [],
      createOutputStyle({ write: () => true, isTTY: false } as unknown as Parameters<typeof createOutputStyle>[0], {}),
    );
    expect(text).toMatch(
      /breaker market-data opens within 5s\s+market-data-slow\s+the breaker never opened\s+open within 5s\s+FAIL/,
    );
    expect(text).toMatch(/alert X fires within 10s\s+market-data-slow\s+no data\s+firing within 10s\s+INCONCLUSIVE/);
  });
});
