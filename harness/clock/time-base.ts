import { performance } from 'node:perf_hooks';

/**
 * ordeal's one time base: milliseconds on the machine's monotonic clock
 * (CLOCK_MONOTONIC, through `process.hrtime`), which is one clock for every
 * thread of the process, shifted once so that its values read like epoch
 * milliseconds (the wall clock at the moment this module loaded in the main
 * thread). Every interval, schedule, window, bucket and grace is taken on it,
 * in the main thread and in every load worker alike; the wall clock only
 * stamps. A wall clock that steps (NTP, a resumed VM) or drifts does not move
 * it: `wallClockOffsetMs()` says by how much the two have parted.
 *
 * (`Date.now()` steps with the wall clock, and `performance.timeOrigin` is
 * taken per thread from the wall clock when the thread starts: two threads'
 * `timeOrigin + now()` differed by 43 ms within 10 s on this machine.)
 */

const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * `performance.now()` counts this thread's monotonic time from the thread's
 * start: measured once, the shift that maps it onto `process.hrtime`, which
 * every thread shares (a few microseconds of error; `now()` is the cheap call
 * on the send path).
 */
function measureHrtimeShiftMs(): number {
  let best = Number.POSITIVE_INFINITY;
  let shiftMs = 0;
  for (let i = 0; i < 9; i++) {
    const before = performance.now();
    const hr = hrtimeMs();
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      shiftMs = hr - (before + after) / 2;
    }
  }
  return shiftMs;
}

const HRTIME_SHIFT_MS = measureHrtimeShiftMs();
/** hrtime → epoch-like ms: the wall clock when the main thread loaded this module (workers are given the main thread's). */
let anchorMs = Date.now() - hrtimeMs();

/** Now, on the time base (epoch-like ms, monotonic, the same in every thread). */
export function timeBaseNowMs(): number {
  return performance.now() + HRTIME_SHIFT_MS + anchorMs;
}

/** What a worker thread needs to share the main thread's time base. */
export function timeBaseAnchorMs(): number {
  return anchorMs;
}

/** In a worker thread: take the main thread's anchor, so both read the same time. */
export function useTimeBaseAnchor(mainAnchorMs: number): void {
  anchorMs = mainAnchorMs;
}

/** The wall clock now: only for stamps other processes compare (heartbeats, leases), never for intervals. */
export function wallClockMs(): number {
  return Date.now();
}

/** How far the wall clock is from the time base now: ~0 at start; a step or a drift changes it. */
export function wallClockOffsetMs(): number {
  return Date.now() - timeBaseNowMs();
}
