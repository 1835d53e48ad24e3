import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLatencyHistogram,
  createLatencyHistogram,
  decodeLatencyHistogram,
  encodeLatencyHistogram,
  mergedLatencyHistogram,
  recordLatencyMs,
  type LatencyHistogram,
} from '../../harness/metrics/latency-histogram.ts';

const PERCENTILES = [0, 1, 25, 50, 90, 95, 99, 99.9, 100];
const readings = (h: LatencyHistogram) => ({
  totalCount: h.totalCount,
  min: h.minNonZeroValue,
  max: h.maxValue,
  mean: h.mean,
  percentiles: PERCENTILES.map((p) => h.getValueAtPercentile(p)),
});

// Latencies in ms from a microsecond to an hour, and runs of equal values (one slow second).
const latencies = fc.array(
  fc.oneof(fc.double({ min: 0.001, max: 3_600_000, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true })),
  { maxLength: 200 },
);

describe('adding latency histograms over their recorded range only (addLatencyHistogram)', () => {
  it('gives what hdr-histogram-js add() gives, into packed and dense targets, from packed, dense and decoded parts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(latencies, fc.constantFrom('storage', 'recording', 'decoded')), { maxLength: 6 }),
        fc.constantFrom('storage', 'recording') as fc.Arbitrary<'storage' | 'recording'>,
        (parts, targetKind) => {
          const sources = parts.map(([values, kind]) => {
            const h = createLatencyHistogram(kind === 'decoded' ? 'recording' : kind);
            for (const ms of values) recordLatencyMs(h, ms);
            return kind === 'decoded' ? decodeLatencyHistogram(encodeLatencyHistogram(h)) : h;
          });
          const byLibrary = createLatencyHistogram(targetKind);
          const byRange = createLatencyHistogram(targetKind);
          for (const source of sources) {
            byLibrary.add(source);
            addLatencyHistogram(byRange, source);
          }
          expect(readings(byRange)).toEqual(readings(byLibrary));
          expect(readings(mergedLatencyHistogram(sources))).toEqual(readings(byLibrary));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('adds into a histogram that already holds values, and leaves the source as it was', () => {
    const target = createLatencyHistogram('storage');
    recordLatencyMs(target, 5_000);
    const source = createLatencyHistogram('storage');
    for (const ms of [0.2, 3, 3, 40]) recordLatencyMs(source, ms);
    const before = readings(source);
    addLatencyHistogram(target, source);
    expect(target.totalCount).toBe(5);
    expect(target.minNonZeroValue).toBe(200);
    expect(target.getValueAtPercentile(100)).toBeGreaterThanOrEqual(4_990_000);
    expect(readings(source)).toEqual(before);
  });
});
