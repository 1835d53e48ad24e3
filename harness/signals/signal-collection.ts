import type { Clock } from '../clock/clock.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { healthSchema, type Scenario } from '../scenario/scenario-schema.ts';
import { probeOf, queriesFor, scrapeSelectorsFor } from '../checks/check-registry.ts';
import { HealthProber, probeSpecs } from './health-prober.ts';
import { MetricsScraper } from './metrics-scraper.ts';
import type { PrometheusEndpoint } from './prometheus-api.ts';
import { collectPrometheusSignals } from './prometheus-signals.ts';
import { emptySignals, type RecordedSignals } from '../checks/recorded-signals.ts';

/** Prometheus scrapes and evaluates the last seconds after the load ends; they are read back after this. */
export const PROMETHEUS_SETTLE_MS = 2_000;

/** The probes' settings when the scenario gives none: the schema's defaults. */
const DEFAULT_HEALTH = healthSchema.parse({});

export interface SignalSources {
  scenario: Scenario;
  http: GuardedHttp;
  targetUrl: URL;
  prometheus?: PrometheusEndpoint;
  clock: Clock;
}

/**
 * The service's own signals over the run: health probes and direct /metrics
 * scrapes while it runs, then Prometheus' range queries once it has settled.
 * `start()` before the first phase, `stop()` after the last.
 */
export class SignalCollection {
  private readonly prober?: HealthProber;
  private readonly scraper?: MetricsScraper;

  constructor(private readonly sources: SignalSources) {
    const { scenario, http, targetUrl } = sources;
    if (scenario.health !== undefined || scenario.checks.some((c) => probeOf(c) !== undefined)) {
      const health = scenario.health ?? DEFAULT_HEALTH;
      this.prober = new HealthProber(
        http,
        probeSpecs(targetUrl, health),
        health.interval.ms,
        health.timeout.ms,
        sources.clock,
      );
    }
    const selectors = scrapeSelectorsFor(scenario.checks);
    if (selectors.length > 0) {
      const url = new URL(scenario.scrape.url ?? '/metrics', targetUrl);
      this.scraper = new MetricsScraper(http, url, selectors, scenario.scrape.interval.ms, 3_000, sources.clock);
    }
  }

  start(): void {
    this.prober?.start();
    this.scraper?.start();
  }

  /**
   * The signals so far, while probing and scraping go on (the live console).
   * Prometheus is read without waiting for it to settle, so its data is taken
   * as observed only up to PROMETHEUS_SETTLE_MS ago.
   */
  async snapshot(fromMs: number): Promise<{ signals: RecordedSignals; observedUntilMs: number }> {
    const { prometheus, clock, scenario } = this.sources;
    const health = this.prober?.soFar() ?? new Map();
    const scraped = this.scraper?.soFar() ?? new Map();
    const nowMs = clock.nowMs();
    if (!prometheus) return { signals: { ...emptySignals(), series: scraped, health }, observedUntilMs: nowMs };
    const fromPrometheus = await collectPrometheusSignals(prometheus, queriesFor(scenario.checks), fromMs, nowMs);
    return {
      signals: { ...fromPrometheus, series: new Map([...fromPrometheus.series, ...scraped]), health },
      observedUntilMs: nowMs - PROMETHEUS_SETTLE_MS,
    };
  }

  /** Stops probing and scraping, and reads nothing more (a run that failed part-way). */
  abandon(): void {
    this.prober?.stop();
    this.scraper?.stop();
  }

  /** Stops probing and scraping; reads Prometheus back over [fromMs, now] after it settles. */
  async stop(fromMs: number): Promise<{ signals: RecordedSignals; observedUntilMs: number }> {
    const { prometheus, clock, scenario } = this.sources;
    const health = this.prober?.stop() ?? new Map();
    const scraped = this.scraper?.stop() ?? new Map();
    const observedUntilMs = clock.nowMs();
    if (!prometheus) return { signals: { ...emptySignals(), series: scraped, health }, observedUntilMs };
    await clock.sleep(PROMETHEUS_SETTLE_MS);
    const fromPrometheus = await collectPrometheusSignals(
      prometheus,
      queriesFor(scenario.checks),
      fromMs,
      clock.nowMs(),
    );
    return {
      signals: { ...fromPrometheus, series: new Map([...fromPrometheus.series, ...scraped]), health },
      observedUntilMs,
    };
  }
}
