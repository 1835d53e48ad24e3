import { describe, expect, it } from 'vitest';
import { describeErrorBudget, errorBudgetOf } from '../../harness/report/error-budget.ts';
import { renderMarkdown } from '../../harness/report/markdown-reporter.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { syntheticReport } from '../support/synthetic-report.ts';

const DAY_MS = 86_400_000;
/** `count` seconds of a phase at 100 req/s with `errors` failed each second, numbered from `from`. */
const seconds = (phase: string, from: number, count: number, errors: number) =>
  Array.from({ length: count }, (_, i) => ({ second: from + i, phase, requests: 100, errors }));

describe("error budget: the share of the period's budget a run burned, and how fast", () => {
  const run = [...seconds('steady', 0, 3_600, 0), ...seconds('dependency-down', 3_600, 1_800, 5)];
  const budget = errorBudgetOf(run, { objective: 0.999, periodMs: DAY_MS });

  it('per phase and in total: burn rate = error ratio ÷ (1 − objective); share = burn × length ÷ period', () => {
    expect(budget.phases[0]).toEqual({ phase: 'steady', requests: 360_000, errors: 0, burnRate: 0, budgetShare: 0 });
    // 5 % errors against a 0.1 % budget: burning 50× for half an hour spends 50 × 1800 s / 24 h ≈ 104 % of the day's budget.
    expect(budget.phases[1]!.burnRate).toBeCloseTo(50, 6);
    expect(budget.phases[1]!.budgetShare).toBeCloseTo((50 * 1_800) / 86_400, 6);
    expect(budget.total.budgetShare).toBeCloseTo(budget.phases[1]!.budgetShare!, 6);
  });

  it("the SRE workbook's paging pairs: 1h/5m at 14.4 pages once the trailing hour has burned enough; 6h/30m is not judged on a shorter run", () => {
    const [fast, slow] = budget.alerts;
    // The trailing hour reaches 14.4 × 0.1 % = 1.44 % errors after ~1037 s of 5 % errors.
    expect(fast).toMatchObject({ windows: '1h/5m', threshold: 14.4, judged: true });
    expect(fast!.firstAtSecond).toBeGreaterThan(3_600 + 1_000);
    expect(fast!.firstAtSecond).toBeLessThan(3_600 + 1_100);
    expect(slow).toEqual({ windows: '6h/30m', threshold: 6, judged: false });
    const quiet = errorBudgetOf(seconds('steady', 0, 3_700, 0), { objective: 0.999, periodMs: DAY_MS });
    expect(quiet.alerts[0]).toEqual({ windows: '1h/5m', threshold: 14.4, judged: true });
  });

  it('a phase that sent nothing has no burn rate (not a zero one)', () => {
    const idle = errorBudgetOf([{ second: 0, phase: 'idle', requests: 0, errors: 0 }], {
      objective: 0.99,
      periodMs: DAY_MS,
    });
    expect(idle.total).toEqual({ phase: 'all', requests: 0, errors: 0, burnRate: null, budgetShare: null });
    expect(describeErrorBudget(idle)).toMatch(/no request/);
  });

  it('said in one line in summary.md, the worst phases first, with the page it would raise', () => {
    const report = syntheticReport('budget', [{ name: 'steady', p95PerSecondMs: [10] }], { errorBudget: budget });
    expect(renderMarkdown(report)).toMatch(
      /\*\*Error budget \(99\.9 % over 24h\): this run used 104\.2 % \(burn 16\.7×\); dependency-down 104\.2 % \(burn 50\.0×\); would page \(1h\/5m burn >= 14\.4\) at \+1h17m\d*s?\.\*\*/,
    );
  });

  it('the scenario states it: an objective of 1 (no budget at all) is refused, the period defaults to 24h', () => {
    const scenario = (errorBudget: unknown) => ({
      name: 'budget',
      target: { baseUrl: 'http://127.0.0.1:8080' },
      requests: [{ path: '/' }],
      phases: [{ name: 'steady', duration: '10s', rate: 1 }],
      slos: [],
      errorBudget,
    });
    expect(validateScenario(scenario({ objective: 0.999 })).errorBudget).toMatchObject({
      objective: 0.999,
      period: { text: '24h', ms: 86_400_000 },
    });
    expect(() => validateScenario(scenario({ objective: 1 }))).toThrow(/errorBudget\.objective/);
  });
});
