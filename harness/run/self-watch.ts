import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { timeBaseNowMs } from '../clock/time-base.ts';
import type { SelfSample } from '../verdict/recorded-run.ts';

/** ordeal looks at itself this often: its memory, its main thread's event-loop lag and its GC pauses since the last look. */
export const SELF_SAMPLE_MS = 5_000;
/** A heartbeat of the main thread this often: a stall is read to within this much, wherever it falls in a sample. */
const BEAT_MS = 100;
/** At most this many samples are kept (a week at one per 5 s); beyond it every other one is dropped (the run's shape stays). */
const MAX_SAMPLES = 120_000;

/**
 * ordeal's own health over a run, so a long run shows whether ordeal itself
 * stayed healthy: resident memory and heap, the p99 event-loop delay of the
 * main thread (which paces phases, faults and probes; the workers' lateness
 * is their send lag), and the time GC paused it, every SELF_SAMPLE_MS on the
 * run's time base; and the load workers' heaps (each thread has its own),
 * as they last said. The workers' own GC is not seen here: it shows in their
 * send lag.
 */
export class SelfWatch {
  private readonly samples: SelfSample[] = [];
  private delay?: IntervalHistogram;
  private gc?: PerformanceObserver;
  private gcMs = 0;
  private cpu?: NodeJS.CpuUsage;
  private timer?: NodeJS.Timeout;
  /** When the last sample was taken (the run's time base): how late this one is, is lag too. */
  private lastSampleMs = 0;
  private beat?: NodeJS.Timeout;
  /** When the heartbeat last ran, and the most it was late since the last sample. */
  private lastBeatMs = 0;
  private beatLateMs = 0;

  constructor(
    private readonly intervalMs = SELF_SAMPLE_MS,
    /** The load workers' heaps in use (their own isolates), when the driver has workers. */
    private readonly workersHeap: () => number | undefined = () => undefined,
  ) {}

  start(): void {
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcMs += entry.duration;
    });
    this.gc.observe({ entryTypes: ['gc'] });
    this.cpu = process.cpuUsage();
    this.lastSampleMs = this.lastBeatMs = timeBaseNowMs();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    this.beat = setInterval(() => this.heartbeat(), BEAT_MS);
    this.beat.unref();
  }

  /** How late the heartbeat is now (a stall that is only just over, or still going, counts up to now). */
  private lateBeatMs(nowMs: number): number {
    return Math.max(0, nowMs - this.lastBeatMs - BEAT_MS);
  }

  private heartbeat(): void {
    const nowMs = timeBaseNowMs();
    this.beatLateMs = Math.max(this.beatLateMs, this.lateBeatMs(nowMs));
    this.lastBeatMs = nowMs;
  }

  private sample(): void {
    const memory = process.memoryUsage();
    const delay = this.delay!;
    const workersHeapUsedBytes = this.workersHeap();
    // Every thread's CPU time since the last look: a lag with little CPU behind it was the host not running ordeal.
    const cpu = process.cpuUsage(this.cpu);
    this.cpu = process.cpuUsage();
    // The histogram can miss a stall outright: after a pause both its timer and this one are overdue, and when this
    // one runs first, its reset() drops the histogram's last timestamp, so the stall is never recorded (2 of 6
    // SIGSTOPs of 1.5 s here). This sampler's own lateness reads a stall short by how far into it it fell due (up
    // to a whole interval); the heartbeat's, every 100 ms, reads it to within 100 ms, in the sample it ends in (a
    // stall the sampler wakes from first is counted here, up to now, not left to the next sample). The largest counts.
    const atMs = timeBaseNowMs();
    const lateMs = Math.max(0, atMs - this.lastSampleMs - this.intervalMs, this.beatLateMs, this.lateBeatMs(atMs));
    this.lastSampleMs = this.lastBeatMs = atMs;
    this.beatLateMs = 0;
    const histogramP99Ms = delay.count > 0 ? delay.percentile(99) / 1e6 : 0;
    this.samples.push({
      atMs,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      ...(workersHeapUsedBytes === undefined ? {} : { workersHeapUsedBytes }),
      // nanoseconds; a window with no sample (a stalled process) reads 0 here, and the clock watch says it stalled.
      loopDelayP99Ms: Math.round(Math.max(histogramP99Ms, lateMs) * 100) / 100,
      gcMs: Math.round(this.gcMs * 10) / 10,
      cpuMs: Math.round((cpu.user + cpu.system) / 1_000),
    });
    delay.reset();
    this.gcMs = 0;
    if (this.samples.length > MAX_SAMPLES) {
      const kept = this.samples.filter((_, index) => index % 2 === 0);
      this.samples.splice(0, this.samples.length, ...kept);
    }
  }

  /** The samples so far (a copy). */
  record(): SelfSample[] {
    return [...this.samples];
  }

  stop(): SelfSample[] {
    clearInterval(this.timer);
    clearInterval(this.beat);
    this.delay?.disable();
    this.gc?.disconnect();
    return this.record();
  }
}
