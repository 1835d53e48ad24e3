/**
 * Open-model arrivals for a phase whose rate goes linearly from `fromRatePerSec`
 * to `toRatePerSec` over `durationMs`: the k-th request is due when the
 * cumulative number of arrivals reaches k. Pure, so it is tested without time.
 */
export interface ArrivalPlan {
  durationMs: number;
  fromRatePerSec: number;
  toRatePerSec: number;
}

/** Arrivals due within the phase (k = 0 .. count-1). */
export function arrivalCount(plan: ArrivalPlan): number {
  const durationSec = plan.durationMs / 1_000;
  const total = ((plan.fromRatePerSec + plan.toRatePerSec) / 2) * durationSec;
  return Math.max(0, Math.ceil(total - 1e-9));
}

/** Offset (ms from phase start) at which arrival k is due. */
export function arrivalOffsetMs(plan: ArrivalPlan, k: number): number {
  const durationSec = plan.durationMs / 1_000;
  const a = plan.fromRatePerSec;
  const slope = (plan.toRatePerSec - a) / durationSec; // req/s per s
  if (Math.abs(slope) < 1e-12) return a > 0 ? (k / a) * 1_000 : plan.durationMs;
  // Solve a·t + slope·t²/2 = k for the smallest t >= 0.
  const discriminant = a * a + 2 * slope * k;
  if (discriminant < 0) return plan.durationMs;
  return ((-a + Math.sqrt(discriminant)) / slope) * 1_000;
}
