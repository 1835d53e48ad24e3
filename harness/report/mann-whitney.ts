/**
 * Mann-Whitney U test (Wilcoxon rank-sum), one-sided: is `current`
 * stochastically greater than `baseline`? Normal approximation with tie and
 * continuity corrections, as canary-analysis tools (Kayenta) use it on
 * per-interval metric values. Hand-written: the npm packages for it are
 * unmaintained and give no p-value.
 */
export interface MannWhitneyResult {
  u: number;
  z: number;
  /** P(a shift at least this large if both samples came from one distribution). */
  pValue: number;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.327_591_1 * x);
  const poly =
    t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function mannWhitneyGreater(
  current: readonly number[],
  baseline: readonly number[],
): MannWhitneyResult | undefined {
  const n1 = current.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const pooled = [
    ...current.map((value) => ({ value, current: true })),
    ...baseline.map((value) => ({ value, current: false })),
  ].sort((a, b) => a.value - b.value);
  const n = pooled.length;
  let rankSumCurrent = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && pooled[j + 1]!.value === pooled[i]!.value) j++;
    const averageRank = (i + j) / 2 + 1;
    const ties = j - i + 1;
    tieTerm += ties ** 3 - ties;
    for (let k = i; k <= j; k++) if (pooled[k]!.current) rankSumCurrent += averageRank;
    i = j + 1;
  }
  const u = rankSumCurrent - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1) || 1));
  if (variance <= 0) return { u, z: 0, pValue: 1 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, z, pValue: 1 - normalCdf(z) };
}
