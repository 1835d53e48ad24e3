import { describe, expect, it } from 'vitest';
import { arrivalCount, arrivalOffsetMs } from '../../harness/load/arrival-schedule.ts';

describe('arrival schedule', () => {
  it('spaces a constant rate evenly', () => {
    const plan = { durationMs: 10_000, fromRatePerSec: 200, toRatePerSec: 200 };
    expect(arrivalCount(plan)).toBe(2_000);
    expect(arrivalOffsetMs(plan, 0)).toBe(0);
    expect(arrivalOffsetMs(plan, 1)).toBe(5);
    expect(arrivalOffsetMs(plan, 1_999)).toBeCloseTo(9_995, 6);
  });

  it('follows a ramp: as many arrivals in each second as the rate at its middle', () => {
    const plan = { durationMs: 10_000, fromRatePerSec: 0, toRatePerSec: 100 };
    expect(arrivalCount(plan)).toBe(500);
    const perSecond = new Array(10).fill(0);
    for (let k = 0; k < arrivalCount(plan); k++) perSecond[Math.floor(arrivalOffsetMs(plan, k) / 1_000)]++;
    expect(perSecond).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
  });

  it('handles ramps down, and never schedules past the phase', () => {
    const plan = { durationMs: 4_000, fromRatePerSec: 100, toRatePerSec: 20 };
    expect(arrivalCount(plan)).toBe(240);
    const offsets = Array.from({ length: 240 }, (_, k) => arrivalOffsetMs(plan, k));
    expect(offsets.every((t, i) => i === 0 || t > offsets[i - 1]!)).toBe(true);
    expect(offsets.at(-1)!).toBeLessThan(4_000);
  });
});
