import { describe, expect, it } from 'vitest';
import { capacitySummary, kneeOf, type CapacityReport } from '../../harness/capacity/capacity-report.ts';
import { capacityExitCode, searchesExitCode } from '../../harness/cli/capacity-command.ts';
import { renderCapacityHtml } from '../../harness/capacity/capacity-html.ts';
import { searchCapacity, type StepKind, type StepOutcome } from '../../harness/capacity/capacity-search.ts';

const OPTIONS = { startRate: 50, maxRate: 10_000, growth: 1.5, precision: 0.05, maxSteps: 30 };

/** A service that holds every rate up to `capacity` (p99 10 ms, then rising), and ordeal's limit at `generatorLimit`. */
function service(capacity: number, generatorLimit = Infinity, flaky: number[] = []) {
  const asked: number[] = [];
  const probe = async (rate: number): Promise<StepOutcome> => {
    asked.push(rate);
    const kind: StepKind =
      rate > generatorLimit ? 'generator-limited' : rate <= capacity && !flaky.includes(rate) ? 'pass' : 'breach';
    const p99Ms = rate <= capacity ? 10 + rate / 100 : 10 + (rate - capacity) * 5;
    return {
      kind,
      reason: kind,
      achievedRate: rate,
      p50Ms: 5,
      p95Ms: 8,
      p99Ms,
      errorRate: 0,
      sendLagP99Ms: 1,
    };
  };
  return { probe, asked };
}

describe('the capacity search (pure logic; the truth tests run real services)', () => {
  it('steps up x1.5, bisects to within 5 %, confirms: the answer is within 5 % under the true capacity', async () => {
    const { probe, asked } = service(200);
    const result = await searchCapacity(probe, OPTIONS);
    expect(asked.slice(0, 5)).toEqual([50, 75, 113, 170, 255]);
    expect(result.heldRate).toBeGreaterThanOrEqual(190);
    expect(result.heldRate).toBeLessThanOrEqual(200);
    expect(result.firstFailing!.rate / result.heldRate!).toBeLessThanOrEqual(1.05);
    expect(result.confirmed).toBe(true);
    expect(result.steps.at(-1)).toMatchObject({ stage: 'confirm', rate: result.heldRate, kind: 'pass' });
    expect(result.generatorLimit).toBeNull();
  });

  it("never reports ordeal's own limit as the service's: a faster service ends at the generator's limit", async () => {
    const { probe } = service(100_000, 400);
    const result = await searchCapacity(probe, OPTIONS);
    expect(result.firstFailing).toBeNull();
    expect(result.generatorLimit).toBe(575);
    expect(result.heldRate).toBe(383);
    expect(result.stoppedBecause).toMatch(/^ordeal could not offer 575 req\/s on this machine/);
  });

  it('a rate that held once but not when repeated is not the answer: the search bisects below it again and confirms', async () => {
    const first = await searchCapacity(service(200).probe, OPTIONS);
    const answer = first.heldRate!;
    // The same service, but the answer fails on its second try (a flapping service).
    let tries = 0;
    const flapping = service(200);
    const result = await searchCapacity(async (rate) => {
      const outcome = await flapping.probe(rate);
      if (rate === answer && ++tries === 2) return { ...outcome, kind: 'breach' };
      return outcome;
    }, OPTIONS);
    expect(result.heldRate).toBeLessThan(answer);
    expect(result.confirmed).toBe(true);
    expect(result.steps.at(-1)).toMatchObject({ stage: 'confirm', rate: result.heldRate, kind: 'pass' });

    // A service that degrades (200 req/s, then 170 from the first confirm on): the lower passes of the bisection
    // fail too, and the answer is bisected again to within 5 % of the lowest rate that failed, not left at a far
    // lower step of the climb.
    const before = service(200);
    const after = service(170);
    let probes = 0;
    const again = await searchCapacity(
      (rate) => (++probes >= first.steps.length ? after.probe(rate) : before.probe(rate)),
      OPTIONS,
    );
    expect(again.confirmed).toBe(true);
    expect(again.heldRate!).toBeLessThanOrEqual(170);
    expect(again.firstFailing!.rate / again.heldRate!).toBeLessThanOrEqual(1 + OPTIONS.precision);
  });

  it('runs a step once more that said nothing of the service for a reason of the moment (a busy host), then goes on', async () => {
    const healthy = await searchCapacity(service(200).probe, OPTIONS);
    const flaky = service(200);
    let hiccups = 0;
    const result = await searchCapacity(async (rate) => {
      const outcome = await flaky.probe(rate);
      // One step of the bisection finds ordeal behind once (its host busy for a moment).
      if (outcome.kind === 'pass' && rate > 150 && hiccups++ === 0)
        return { ...outcome, kind: 'generator-limited', reason: 'send lag', retryable: true };
      return outcome;
    }, OPTIONS);
    expect(result.heldRate).toBe(healthy.heldRate);
    expect(result.generatorLimit).toBeNull();
    expect(result.steps).toHaveLength(healthy.steps.length + 1);
    // Twice in a row at the same rate: that is ordeal's limit, and the search says so.
    const limited = await searchCapacity(service(10_000, 575).probe, OPTIONS);
    const retried = await searchCapacity(async (rate) => {
      const outcome = await service(10_000, 575).probe(rate);
      return outcome.kind === 'generator-limited' ? { ...outcome, retryable: true } : outcome;
    }, OPTIONS);
    expect(retried.generatorLimit).toBe(limited.generatorLimit);
    expect(retried.steps).toHaveLength(limited.steps.length + 1);
  });

  it('a rate it cannot judge even on a second try (within its own lateness of the SLO) is counted as not held, and the bisection goes on below it', async () => {
    // Capacity 220, but from 210 up ordeal cannot tell (the value within its lateness of the limit).
    const near = service(220);
    const result = await searchCapacity(async (rate) => {
      const outcome = await near.probe(rate);
      return rate >= 210 && rate <= 220
        ? { ...outcome, kind: 'stopped', reason: "within the generator's own lateness", retryable: true }
        : outcome;
    }, OPTIONS);
    expect(result.confirmed).toBe(true);
    const notHeld = result.steps.filter((s) => s.kind !== 'pass' && s.rate > result.heldRate!).map((s) => s.rate);
    expect(Math.min(...notHeld) / result.heldRate!).toBeLessThanOrEqual(1 + OPTIONS.precision);
    expect(result.heldRate!).toBeLessThan(210);
    expect(result.firstFailing!.kind).toBe('breach');
    expect(result.stoppedBecause).toMatch(/could not be judged: counted as not held/);
  });

  it('stops at the ceiling, at the budget, and when the start rate fails, saying which', async () => {
    const ceiling = await searchCapacity(service(100_000).probe, { ...OPTIONS, maxRate: 300 });
    expect(ceiling).toMatchObject({ heldRate: 300, firstFailing: null });
    expect(ceiling.stoppedBecause).toMatch(/held the ceiling, 300 req\/s/);
    const budget = await searchCapacity(service(100_000).probe, { ...OPTIONS, maxSteps: 3 });
    expect(budget.steps).toHaveLength(3);
    expect(budget.stoppedBecause).toMatch(/time budget ran out after 3 steps/);
    const none = await searchCapacity(service(10).probe, OPTIONS);
    expect(none).toMatchObject({ heldRate: null, confirmed: false });
    expect(none.stoppedBecause).toBe('the service did not hold the start rate, 50 req/s');
  });

  it('finds the knee where p99 turns sharply up, and none on a straight line', () => {
    const step = (rate: number, p99Ms: number) => ({
      rate,
      p99Ms,
      stage: 'probe' as const,
      kind: 'pass' as const,
      reason: '',
      achievedRate: rate,
      p50Ms: null,
      p95Ms: null,
      errorRate: 0,
      sendLagP99Ms: 1,
    });
    expect(kneeOf([step(50, 10), step(100, 11), step(150, 12), step(200, 30), step(250, 90)])).toBe(150);
    expect(kneeOf([step(50, 10), step(100, 20), step(150, 30), step(200, 40)])).toBeNull();
    // A flat curve's noise (26.5, 22.9, 23.2, 24.7, 24.1 ms, as measured) is not a knee; the jump to 81 ms is.
    expect(
      kneeOf([step(50, 26.5), step(75, 22.9), step(113, 23.2), step(170, 24.7), step(192, 24.1), step(203, 81.4)]),
    ).toBe(192);
  });
});

describe("capacity's exit code (what CI routes on)", () => {
  const report = (over: Partial<CapacityReport>): CapacityReport =>
    ({ heldRate: 150, headroom: 1.5, requiredHeadroom: null, limitedBy: 'service', ...over }) as CapacityReport;
  it('0 with the headroom asked for (or none asked), 1 without it, 5 when ordeal could not find out, 4 when stopped', () => {
    expect(capacityExitCode(report({}))).toBe(0);
    expect(capacityExitCode(report({ requiredHeadroom: 1.5 }))).toBe(0);
    expect(capacityExitCode(report({ requiredHeadroom: 2 }))).toBe(1);
    expect(capacityExitCode(report({ requiredHeadroom: 2, limitedBy: 'ceiling' }))).toBe(1);
    expect(capacityExitCode(report({ requiredHeadroom: 2, limitedBy: 'generator' }))).toBe(5);
    expect(capacityExitCode(report({ requiredHeadroom: 2, limitedBy: 'budget' }))).toBe(5);
    expect(capacityExitCode(report({ requiredHeadroom: 2, limitedBy: 'stopped' }))).toBe(4);
    expect(capacityExitCode(report({ heldRate: null, headroom: null }))).toBe(1);
    expect(capacityExitCode(report({ heldRate: null, headroom: null, limitedBy: 'generator' }))).toBe(5);
  });

  it("says nothing held of the service only when the service failed: ordeal's own limit at the start rate is said as such", () => {
    const base = { phase: 'peak', plannedPeakRate: 100, headroom: null, kneeRate: null, firstFailing: null };
    const own = capacitySummary({
      ...base,
      heldRate: null,
      limitedBy: 'generator',
      generatorLimit: 50,
      stoppedBecause: 'ordeal could not offer 50 req/s',
    } as unknown as CapacityReport);
    expect(own).toMatch(
      /^No rate was shown to hold: nothing was measured of the service \(ordeal could not offer even the start rate\)/,
    );
    expect(own).not.toMatch(/The service did not hold|held every step below it/);
    const service = capacitySummary({
      ...base,
      heldRate: null,
      limitedBy: 'service',
      stoppedBecause: 'x',
    } as unknown as CapacityReport);
    expect(service).toMatch(/^The service did not hold even the start rate\./);
  });

  it('with --n-minus-1, both must hold: the healthy code first, then the N−1 one', () => {
    const enough = report({ requiredHeadroom: 1.5 });
    const short = report({ requiredHeadroom: 1.5, headroom: 1.1 });
    expect(searchesExitCode(enough)).toBe(0);
    expect(searchesExitCode(enough, enough)).toBe(0);
    expect(searchesExitCode(enough, short)).toBe(1);
    expect(searchesExitCode(short, enough)).toBe(1);
    expect(searchesExitCode(enough, report({ requiredHeadroom: 2, limitedBy: 'generator' }))).toBe(5);
  });
});

describe('capacity.html', () => {
  it('draws p50, p95 and p99 against the rate, a marker per step by outcome, and the peak, knee and held lines', async () => {
    const { probe } = service(200);
    const result = await searchCapacity(probe, OPTIONS);
    const report = {
      schemaVersion: 1,
      scenario: 'svc <x>',
      phase: 'peak',
      plannedPeakRate: 100,
      heldRate: result.heldRate,
      confirmed: result.confirmed,
      firstFailing: null,
      generatorLimit: null,
      headroom: 1.9,
      requiredHeadroom: null,
      kneeRate: 190,
      limitedBy: 'service',
      stoppedBecause: result.stoppedBecause,
      steps: result.steps,
      startedAt: '2026-12-07T10:00:00Z',
      durationMs: 1,
    } satisfies CapacityReport;
    const html = renderCapacityHtml({
      ...report,
      nMinus1: { ...report, heldFaults: { phase: 'slow', faults: ['db: latency 10ms ±0ms'] } },
    });
    expect(html).toContain('<title>Capacity of svc &lt;x&gt;</title>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/data-series="p99"/g)).toHaveLength(2);
    expect(html.match(/<g data-step="breach"/g)!.length).toBe(
      2 * result.steps.filter((s) => s.kind === 'breach').length,
    );
    for (const line of ['peak', 'knee', 'held']) expect(html).toContain(`data-line="${line}"`);
    expect(html).toContain('N−1: db: latency 10ms ±0ms held');
    expect(html).not.toMatch(/<script/);
  });
});
