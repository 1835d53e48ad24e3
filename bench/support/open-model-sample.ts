/** One generator's run at a fixed rate: what it cost and what it measured. */
export interface OpenModelSample {
  cpuSec: number;
  wallSec: number;
  /** Requests the generator completed (its own count). */
  requests: number;
  errors: number;
  whole: LatencyFigures | null;
  firstSecond: LatencyFigures | null;
}

export interface LatencyFigures {
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50 and p99 of raw latencies (ms), for peers that hand over every result. */
export function latencySummary(latenciesMs: number[]): LatencyFigures | null {
  if (latenciesMs.length === 0) return null;
  const sorted = Float64Array.from(latenciesMs).sort();
  return { p50: percentile(sorted as unknown as number[], 50), p99: percentile(sorted as unknown as number[], 99) };
}

export const cpuSecPer100k = (sample: OpenModelSample): number =>
  (sample.cpuSec / Math.max(1, sample.requests)) * 100_000;
