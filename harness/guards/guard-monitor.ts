import type { Clock } from '../clock/clock.ts';
import { lastCompleteSecond, type PhaseRecorder } from '../metrics/phase-recorder.ts';
import { describeGuard, guardName, type Guard } from '../scenario/guard-schema.ts';
import { aggregationName, compare, parseThreshold, type Threshold } from '../scenario/threshold.ts';
import { instantQuery, type PrometheusEndpoint } from '../signals/prometheus-api.ts';
import type { GuardOutcome, GuardTrip } from '../verdict/run-records.ts';
import { GuardStreak } from './guard-streak.ts';
import { loadGuardValue } from './load-guard-value.ts';

export interface GuardMonitorOptions {
  recorder: PhaseRecorder;
  clock: Clock;
  prometheus?: PrometheusEndpoint;
  currentPhase: () => string | undefined;
  onTrip: (trip: GuardTrip) => void;
  onWarning?: (message: string) => void;
  tickMs?: number;
}

interface WatchedGuard {
  guard: Guard;
  name: string;
  condition: string;
  forMs: number;
  streak: GuardStreak;
  threshold?: Threshold;
  nextSecond: number;
  trip?: GuardTrip;
}

/** Evaluates the scenario's guards every tick; the first one that trips calls `onTrip` once. */
export class GuardMonitor {
  private readonly watched: WatchedGuard[];
  private timer?: NodeJS.Timeout;
  private querying = false;
  private warned = false;
  private tripped = false;

  constructor(
    guards: readonly Guard[],
    private readonly options: GuardMonitorOptions,
  ) {
    this.watched = guards.map((guard, index) => {
      const forMs = guard.for.ms;
      return {
        guard,
        name: guardName(guard, index),
        condition: describeGuard(guard),
        forMs,
        streak: new GuardStreak(forMs),
        threshold: guard.trip ? parseThreshold(guard.trip) : undefined,
        nextSecond: 0,
      };
    });
  }

  start(): void {
    if (this.watched.length === 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1_000);
  }

  stop(): GuardOutcome[] {
    clearInterval(this.timer);
    return this.outcomes();
  }

  /** Each guard's outcome so far. */
  outcomes(): GuardOutcome[] {
    return this.watched.map((w) => ({
      name: w.name,
      condition: w.condition,
      tripped: w.trip !== undefined,
      trippedAtMs: w.trip?.trippedAtMs,
      observed: w.trip?.observed,
    }));
  }

  /** One evaluation round (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    if (this.tripped) return;
    for (const watched of this.watched) if (watched.threshold) this.judgeLoad(watched, watched.threshold);
    const promql = this.watched.filter((w) => w.guard.promql !== undefined);
    if (promql.length > 0 && !this.querying && this.options.prometheus) {
      this.querying = true;
      try {
        await Promise.all(promql.map((w) => this.judgePromql(w, w.guard.promql!, this.options.prometheus!)));
      } finally {
        this.querying = false;
      }
    }
  }

  private judgeLoad(watched: WatchedGuard, threshold: Threshold): void {
    const { recorder, clock } = this.options;
    // A second is judged once the load workers have handed it over.
    const lastSecond = lastCompleteSecond(recorder, clock.nowMs());
    for (; watched.nextSecond <= lastSecond && !this.tripped; watched.nextSecond++) {
      const second = watched.nextSecond;
      const buckets = recorder
        .bucketsAt(second)
        .filter((b) => !watched.guard.phases || watched.guard.phases.includes(b.phase));
      const value = loadGuardValue(watched.guard.metric!, threshold.aggregation, buckets);
      const holds = value === undefined ? undefined : compare(value, threshold.operator, threshold.value);
      if (watched.streak.observe(second * 1_000, (second + 1) * 1_000, holds)) {
        const shown = Number.isInteger(value) ? String(value) : value!.toFixed(3);
        this.fire(
          watched,
          `${aggregationName(threshold.aggregation)} ${shown} ${threshold.operator} ${threshold.value} in every second for ${Math.round((second + 1) * 1_000 - watched.streak.heldSinceMs!) / 1_000}s`,
        );
      }
    }
  }

  private async judgePromql(watched: WatchedGuard, expression: string, prometheus: PrometheusEndpoint): Promise<void> {
    const phase = this.options.currentPhase();
    if (watched.guard.phases && (!phase || !watched.guard.phases.includes(phase))) return;
    const nowMs = this.options.clock.nowMs();
    let samples;
    try {
      samples = await instantQuery(prometheus, expression, 900);
    } catch (error) {
      if (!this.warned)
        this.options.onWarning?.(
          `guard "${watched.name}": Prometheus did not answer (${(error as Error).message}); the guard cannot trip while it does not`,
        );
      this.warned = true;
      return;
    }
    if (this.tripped) return;
    if (watched.streak.observe(nowMs, nowMs, samples.length > 0)) {
      const first = samples[0]!;
      const labels = Object.entries(first.metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      this.fire(watched, `${expression} returned ${samples.length} sample(s), e.g. {${labels}} = ${first.value[1]}`);
    }
  }

  private fire(watched: WatchedGuard, observed: string): void {
    if (this.tripped) return;
    this.tripped = true;
    watched.trip = {
      name: watched.name,
      condition: watched.condition,
      trippedAtMs: this.options.clock.nowMs(),
      observed,
    };
    clearInterval(this.timer);
    this.options.onTrip(watched.trip);
  }
}
