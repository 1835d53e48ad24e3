import { renderReportBody, type LiveView } from '../report/html/render-html.ts';
import type { RunReport } from '../report/run-report.ts';
import type { LiveSnapshot } from '../run/operator.ts';

/** What the page puts in place of the report so far: the report's own sections and its charts' data. */
export interface RenderedBody {
  html: string;
  data: unknown;
}

/**
 * Which checks can no longer change: those of a phase whose data is complete
 * (its end plus what its checks wait for after it); a running or ended
 * phase's others are judged on the data so far; a phase not yet run is pending.
 */
export function liveViewOf(snapshot: LiveSnapshot): LiveView {
  const started = new Set(snapshot.report.phases.filter((p) => p.start !== null).map((p) => p.name));
  return {
    ...(snapshot.runningPhase ? { runningPhase: snapshot.runningPhase } : {}),
    checkState: (check) => {
      const settledAt = snapshot.settledAtMs[check.phase];
      if (settledAt !== undefined && snapshot.nowMs >= settledAt) return 'settled';
      return started.has(check.phase) ? 'provisional' : 'pending';
    },
  };
}

export function renderLiveBody(snapshot: LiveSnapshot): RenderedBody {
  const { html, chartData } = renderReportBody(snapshot.report, liveViewOf(snapshot));
  return { html, data: chartData };
}

export function renderFinalBody(report: RunReport): RenderedBody {
  const { html, chartData } = renderReportBody(report);
  return { html, data: chartData };
}

/** Never more often than every 2 s; slower when a render takes long, so it stays under a tenth of the time. */
const MIN_INTERVAL_MS = 2_000;
const MAX_SHARE = 0.1;
/** A wake (something happened: a phase, a fault, a note) comes at most this soon after the last snapshot began. */
const MIN_WAKE_GAP_MS = 250;

/**
 * Runs `work` again and again while started, pacing itself by how long it
 * took; one at a time. `wake()` runs it soon (a page connected, a phase or
 * a fault began or ended, a note came).
 */
export class SnapshotPacer {
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = true;
  private lastStartMs = -Infinity;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  wake(): void {
    if (!this.stopped && !this.running)
      this.schedule(Math.max(0, this.lastStartMs + MIN_WAKE_GAP_MS - performance.now()));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    const startedMs = performance.now();
    this.lastStartMs = startedMs;
    try {
      await this.work();
    } catch (error) {
      // A snapshot that fails (Prometheus slow to answer) is said and skipped; the next one may do.
      this.onError(error as Error);
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.schedule(Math.max(MIN_INTERVAL_MS, (performance.now() - startedMs) / MAX_SHARE));
  }
}
