import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SelfWatch } from '../../harness/run/self-watch.ts';
import { describeSelf } from '../../harness/report/self-health.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { scenarioAt } from '../support/scenario-at.ts';
import { startTestServer } from '../support/test-server.ts';

describe("ordeal's own health on the timeline", () => {
  it('sees its memory, a blocked event loop and GC pauses, each window on its own', { timeout: 20_000 }, async () => {
    const watch = new SelfWatch(400);
    watch.start();
    // The first window: the main thread blocked for 250 ms (once the loop runs: a block before its first turn is
    // not a delay the loop sees), and garbage made.
    await sleep(30);
    const until = performance.now() + 250;
    while (performance.now() < until) void 0;
    let garbage: number[][] = [];
    for (let i = 0; i < 200; i++) garbage.push(Array.from({ length: 20_000 }, (_, j) => j));
    garbage = [];
    await sleep(1_400);
    const samples = watch.stop();
    expect(garbage).toEqual([]);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.every((s) => s.rssBytes > 10e6 && s.heapUsedBytes > 0)).toBe(true);
    // The blocked stretch shows in the first window's p99 lag (whatever its exact phase), not in the quiet last one.
    expect(samples[0]!.loopDelayP99Ms).toBeGreaterThan(150);
    expect(samples.at(-1)!.loopDelayP99Ms).toBeLessThan(samples[0]!.loopDelayP99Ms);
    expect(samples.reduce((sum, s) => sum + s.gcMs, 0)).toBeGreaterThan(0);
    // Stopped: nothing more is added.
    await sleep(500);
    expect(watch.record()).toHaveLength(samples.length);
  });

  it('one line for the summary; none for a report that was not watched', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const self = [
      { at, rssMb: 110, heapMb: 40, loopLagP99Ms: 3, gcMs: 10 },
      { at, rssMb: 140, heapMb: 60, workersHeapMb: 20, loopLagP99Ms: 12, gcMs: 20 },
      { at, rssMb: 130, heapMb: 50, workersHeapMb: 22, loopLagP99Ms: 4, gcMs: 0 },
    ];
    expect(describeSelf({ self, durationMs: 15_000 })).toBe(
      "ordeal itself: RSS 110 → 130 MB (max 140), heap 40 → 50 MB, load workers' heaps 20 → 22 MB, main-thread event-loop lag p99 at most 12 ms, GC paused it 0.20 % of the run",
    );
    expect(describeSelf({ durationMs: 1_000 })).toBeUndefined();
  });

  it("a real run's samples carry the load workers' heaps beside the main thread's", { timeout: 30_000 }, async () => {
    await using target = await startTestServer((_request, response) => response.end('ok'));
    const report = await runScenario(
      scenarioAt(target.url, {
        load: notAboutTheGenerator({ warmup: false, workers: 2 }),
        phases: [{ name: 'p', duration: '7s', rate: 50 }],
        slos: [],
      }),
    );
    const withWorkers = (report.self ?? []).filter((s) => s.workersHeapMb !== undefined);
    expect(withWorkers.length, JSON.stringify(report.self)).toBeGreaterThan(0);
    for (const sample of withWorkers) expect(sample.workersHeapMb).toBeGreaterThan(1);
  });
});
