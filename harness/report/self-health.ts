import type { RunReport, SelfReport } from './run-report.ts';

/** Above this, the worst event-loop lag of a run is worth a word on its cause. */
const LAG_WORTH_EXPLAINING_MS = 1_000;
/** Below this share of one core over the lagging sample, the host was not running ordeal (paused, or starved). */
const STARVED_CPU_SHARE = 0.2;
/** From this share on, ordeal's own work held the loop (a busy host leaves a blocked loop less than a core). */
const OWN_WORK_CPU_SHARE = 0.7;
/** The sampling interval (self-watch.ts), for the first sample, which has none before it. */
const FIRST_SAMPLE_WINDOW_MS = 5_000;

/**
 * Why the worst lag happened, from the CPU the process used over that sample: a main thread blocked by ordeal's
 * own work burns CPU all along; one the host did not run (a busy machine, a paused VM or process) burns almost none.
 */
function lagCause(self: readonly SelfReport[], worst: number): string {
  const sample = self[worst]!;
  if (sample.loopLagP99Ms < LAG_WORTH_EXPLAINING_MS || sample.cpuMs === undefined) return '';
  const windowMs = worst > 0 ? Date.parse(sample.at) - Date.parse(self[worst - 1]!.at) : FIRST_SAMPLE_WINDOW_MS;
  if (!(windowMs > 0)) return '';
  const share = sample.cpuMs / windowMs;
  const used = `ordeal used ${Math.round(share * 100)} % of a core over that ${(windowMs / 1_000).toFixed(1)} s sample`;
  if (share < STARVED_CPU_SHARE)
    return ` (${used}: the host did not run it, a paused or starved process, not its own work)`;
  if (share >= OWN_WORK_CPU_SHARE) return ` (${used}: ordeal's own work held its main thread)`;
  return ` (${used}: its own work on a busy host, or a pause inside the sample)`;
}

/** ordeal's own health over the run, one line: "ordeal itself: RSS 110 → 130 MB (max 140), …"; undefined: not watched. */
export function describeSelf(report: Pick<RunReport, 'self' | 'durationMs'>): string | undefined {
  const self = report.self ?? [];
  if (self.length === 0) return undefined;
  const rss = self.map((s) => s.rssMb);
  const gcMs = self.reduce((sum, s) => sum + s.gcMs, 0);
  const lags = self.map((s) => s.loopLagP99Ms);
  const lag = Math.max(...lags);
  const gcShare = report.durationMs > 0 ? (gcMs / report.durationMs) * 100 : 0;
  const workers = self.map((s) => s.workersHeapMb).filter((mb): mb is number => mb !== undefined);
  const heaps = `heap ${self[0]!.heapMb} → ${self.at(-1)!.heapMb} MB${workers.length > 0 ? `, load workers' heaps ${workers[0]} → ${workers.at(-1)} MB` : ''}`;
  return `ordeal itself: RSS ${rss[0]} → ${rss.at(-1)} MB (max ${Math.max(...rss)}), ${heaps}, main-thread event-loop lag p99 at most ${lag} ms${lagCause(self, lags.indexOf(lag))}, GC paused it ${gcShare.toFixed(gcShare < 1 ? 2 : 1)} % of the run`;
}
