import type { RunReport } from './run-report.ts';

/** ordeal's own health over the run, one line: "ordeal itself: RSS 110 → 130 MB (max 140), …"; undefined: not watched. */
export function describeSelf(report: Pick<RunReport, 'self' | 'durationMs'>): string | undefined {
  const self = report.self ?? [];
  if (self.length === 0) return undefined;
  const rss = self.map((s) => s.rssMb);
  const gcMs = self.reduce((sum, s) => sum + s.gcMs, 0);
  const lag = Math.max(...self.map((s) => s.loopLagP99Ms));
  const gcShare = report.durationMs > 0 ? (gcMs / report.durationMs) * 100 : 0;
  const workers = self.map((s) => s.workersHeapMb).filter((mb): mb is number => mb !== undefined);
  const heaps = `heap ${self[0]!.heapMb} → ${self.at(-1)!.heapMb} MB${workers.length > 0 ? `, load workers' heaps ${workers[0]} → ${workers.at(-1)} MB` : ''}`;
  return `ordeal itself: RSS ${rss[0]} → ${rss.at(-1)} MB (max ${Math.max(...rss)}), ${heaps}, main-thread event-loop lag p99 at most ${lag} ms, GC paused it ${gcShare.toFixed(gcShare < 1 ? 2 : 1)} % of the run`;
}
