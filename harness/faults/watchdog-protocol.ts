import type { HeldContainer } from '../containers/held-container.ts';
import type { PendingRestart } from '../process/restart-command.ts';

/** Lines the harness writes to its watchdog's stdin, one JSON object each. */
export type WatchdogMessage =
  /** The Toxiproxy where this run's faults may be, and the run's network policy (the watchdog's requests obey it too). */
  | { type: 'toxiproxy'; url: string; allowlist: string[]; allowNonLoopback: boolean }
  /** A process (group leader) the run started and that must not outlive it. */
  | { type: 'own'; pid: number }
  /** A container the run started (Toxiproxy through testcontainers), removed with `docker rm -f`. */
  | { type: 'own-container'; id: string }
  /**
   * A process this run is about to stop (SIGSTOP), sent before the signal: if the harness dies, the watchdog sends
   * it SIGCONT — only while the pid still has this start time (a reused pid is never signalled).
   */
  | { type: 'paused'; pid: number; startTicks: number }
  /** The run resumed it itself. */
  | { type: 'resumed'; pid: number; startTicks: number }
  /** A container this run is about to pause or stop, sent before the change: if the harness dies, the watchdog undoes it. */
  | { type: 'container-held'; held: HeldContainer }
  /** The run undid it itself. */
  | { type: 'container-released'; id: string }
  /** A kill's restart command, sent before the kill: if the harness dies before running it, the watchdog runs it. */
  | { type: 'restart-pending'; restart: PendingRestart }
  /** The run ran it. */
  | { type: 'restart-done'; id: string }
  /** A disk fill's file, sent before it is written: if the harness dies, the watchdog deletes it. */
  | { type: 'filling'; file: string }
  /** The run deleted it. */
  | { type: 'fill-removed'; file: string }
  /** The run ended cleanly: exit without touching anything. */
  | { type: 'release' };

/** What the watchdog writes once it listens, so the harness knows it is guarded. */
export const WATCHDOG_READY = 'ordeal-watchdog-ready';
