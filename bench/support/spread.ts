/** Median and range of a benchmark's rounds: what RESULTS.md quotes (never the best round). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  format(digits: number): string;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return {
    median,
    min,
    max,
    format: (digits) =>
      sorted.length > 1
        ? `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`
        : median.toFixed(digits),
  };
}
