import type { PhaseStats } from './phase-stats.ts';

const ms = (value: number): string => (value >= 10 ? value.toFixed(0) : value.toFixed(1));

/**
 * Said once per run, in words a person acts on: the phases where ordeal's own
 * host sent late (send lag p99 over `load.maxSendLag`), and what that does to
 * the verdict (latencies are judged with the lag as an error bar). Pure.
 */
export function busyHostWarning(stats: readonly PhaseStats[], maxSendLagMs: number): string | undefined {
  const late = stats.filter((s) => s.ran && s.sendLagMs && s.sendLagMs.p99 > maxSendLagMs);
  if (late.length === 0) return undefined;
  const lags = late.map((s) => s.sendLagMs!.p99);
  const low = Math.min(...lags);
  const high = Math.max(...lags);
  const range = low === high ? `${ms(high)} ms` : `${ms(low)}–${ms(high)} ms`;
  return `the machine running ordeal was busy: send lag p99 ${range} in ${late.map((s) => s.name).join(', ')} (over load.maxSendLag ${ms(maxSendLagMs)} ms). Latency is measured from the intended send time, so it carries that lateness: each latency check was judged with the lag as an error bar (inconclusive only where the lag could flip it). Give ordeal a core of its own for tighter figures.`;
}
