import { Worker } from 'node:worker_threads';
import { timeBaseAnchorMs, timeBaseNowMs, wallClockOffsetMs } from '../clock/time-base.ts';
import type { ClockRecord, ClockStep, Stall } from '../verdict/clock-evidence.ts';

export type { ClockRecord } from '../verdict/clock-evidence.ts';

/**
 * The looking thread: plain JavaScript (nothing to compile or load), reading
 * the same time base as every other thread (hrtime + the main thread's anchor).
 */
const LOOKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const now = () => Number(process.hrtime.bigint()) / 1e6 + workerData.anchorMs;
const look = () => { const atMs = now(); parentPort.postMessage([atMs, Date.now() - atMs]); };
look();
setInterval(look, workerData.intervalMs);
`;

export interface ClockWatchOptions {
  /** How often it looks (ms). */
  intervalMs?: number;
  /** A look this much later than due means ordeal did not run in between. */
  stallBoundMs?: number;
  /** The wall clock moving this much against the time base between two looks is a step. */
  stepBoundMs?: number;
  /** A drift beyond this, over the run, is reported. */
  driftBoundMs?: number;
  /** Hears a stall at once (the run verifies its faults first thing after one) and each step. */
  onStall?: (stall: Stall) => void;
  onStep?: (step: ClockStep) => void;
  /** Injected for tests: the time base and the wall clock's offset from it. */
  nowMs?: () => number;
  wallOffsetMs?: () => number;
}

/**
 * Watches ordeal's own clocks while a run goes: every `intervalMs` it notes
 * the time base and how far the wall clock is from it. A look that comes more
 * than `stallBoundMs` late is a stall (SIGSTOP, a frozen VM, a blocked event
 * loop, a long GC pause): ordeal gathered no evidence then. A sudden change of
 * the wall clock's offset is a step; a slow one beyond `driftBoundMs`, drift.
 * Intervals never read the wall clock (time-base.ts), so a step moves no phase
 * window; it moves what others stamped by their wall clocks (Prometheus'
 * samples), and that is what the judge makes of it.
 */
export class ClockWatch {
  private readonly intervalMs: number;
  private readonly stallBoundMs: number;
  private readonly stepBoundMs: number;
  private readonly driftBoundMs: number;
  private readonly now: () => number;
  private readonly offset: () => number;
  private readonly stalls: Stall[] = [];
  private readonly steps: ClockStep[] = [];
  private last?: { atMs: number; offsetMs: number };
  private firstOffsetMs = 0;
  private timer?: NodeJS.Timeout;
  private worker?: Worker;

  constructor(private readonly options: ClockWatchOptions = {}) {
    this.intervalMs = options.intervalMs ?? 250;
    this.stallBoundMs = options.stallBoundMs ?? 1_000;
    this.stepBoundMs = options.stepBoundMs ?? 500;
    this.driftBoundMs = options.driftBoundMs ?? 1_000;
    this.now = options.nowMs ?? timeBaseNowMs;
    this.offset = options.wallOffsetMs ?? wallClockOffsetMs;
  }

  /**
   * Looks from a thread of its own, so that a main thread merely busy (a report
   * rendered, a burst of probes) is not taken for ordeal not running: only a
   * stall of the whole process (SIGSTOP, a frozen VM, CPU starvation) delays
   * that thread's looks. Each look is stamped there and judged here in order.
   */
  start(): void {
    if (this.options.nowMs) {
      // Injected time (tests): look on a timer here.
      this.sample();
      this.timer = setInterval(() => this.sample(), this.intervalMs);
      this.timer.unref();
      return;
    }
    this.worker = new Worker(LOOKER_SOURCE, {
      eval: true,
      workerData: { anchorMs: timeBaseAnchorMs(), intervalMs: this.intervalMs },
    });
    this.worker.on('message', ([atMs, offsetMs]: [number, number]) => this.sample(atMs, offsetMs));
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  /** One look: what a timer tick does (called directly by tests). */
  sample(atMs = this.now(), offsetMs = this.offset()): void {
    const last = this.last;
    this.last = { atMs, offsetMs };
    if (!last) {
      this.firstOffsetMs = offsetMs;
      return;
    }
    if (atMs - last.atMs > this.intervalMs + this.stallBoundMs) {
      const stall = { fromMs: last.atMs, toMs: atMs };
      this.stalls.push(stall);
      this.options.onStall?.(stall);
    }
    const byMs = offsetMs - last.offsetMs;
    if (Math.abs(byMs) > this.stepBoundMs) {
      const step = { atMs, byMs };
      this.steps.push(step);
      this.options.onStep?.(step);
    }
  }

  /** What was seen so far (a last look first). */
  record(): ClockRecord {
    // (With the looking thread, its looks queued behind a busy main thread are the record: no look from here.)
    if (this.timer) this.sample();
    const stepsMs = this.steps.reduce((sum, s) => sum + s.byMs, 0);
    const driftMs = this.last ? this.last.offsetMs - this.firstOffsetMs - stepsMs : 0;
    return {
      stalls: [...this.stalls],
      steps: [...this.steps],
      driftMs,
      stallBoundMs: this.stallBoundMs,
      driftBoundMs: this.driftBoundMs,
    };
  }

  stop(): ClockRecord {
    const record = this.record();
    clearInterval(this.timer);
    this.timer = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
    return record;
  }
}
