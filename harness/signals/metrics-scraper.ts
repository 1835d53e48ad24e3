import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { matchesSelector, parseMetricSelector, type MetricSelector } from '../notation/metric-selector.ts';
import type { SeriesResult, TimePoint } from '../checks/recorded-signals.ts';
import { scrapeKey } from '../notation/scrape-key.ts';

/** Prometheus' own default scrape body limit is unlimited; a big service exposes a few MB. Beyond this, the scrape fails. */
const MAX_SCRAPE_BYTES = 16 * 1024 * 1024;

/**
 * Scrapes a `/metrics` endpoint directly every interval during the run (no
 * Prometheus needed), keeping only the selected metrics: one point per scrape,
 * the largest value among the samples a selector matches. A scrape that fails
 * (refused, timed out, over 16 MB, unparsable) is noted, never a crash.
 */
export class MetricsScraper {
  private readonly selectors: { text: string; selector: MetricSelector; points: TimePoint[] }[];
  private readonly failures: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly http: GuardedHttp,
    private readonly url: URL,
    selectors: readonly string[],
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.selectors = [...new Set(selectors)].map((text) => ({
      text,
      selector: parseMetricSelector(text)!,
      points: [],
    }));
  }

  start(): void {
    const scrape = (): void => {
      const atMs = this.clock.nowMs();
      this.http
        .request(this.url, { timeoutMs: this.timeoutMs, maxBodyBytes: MAX_SCRAPE_BYTES })
        .then((response) => {
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          this.record(atMs, response.text());
        })
        .catch((error: Error) => this.failures.push(error.message));
    };
    scrape();
    this.timer = setInterval(scrape, this.intervalMs);
  }

  private record(atMs: number, text: string): void {
    const families = parsePrometheusTextFormat(text);
    for (const entry of this.selectors) {
      const family = families.filter((f) => f.name === entry.selector.name);
      const values = family
        .flatMap((f) =>
          f.metrics.filter((m) => matchesSelector(entry.selector, f.name, m.labels)).map((m) => Number(m.value)),
        )
        .filter(Number.isFinite);
      // The metric is exported but no sample has these labels (a state or target never seen): 0, as Prometheus would count it.
      if (values.length > 0) entry.points.push({ atMs, value: Math.max(...values) });
      else if (family.length > 0) entry.points.push({ atMs, value: 0 });
    }
  }

  stop(): Map<string, SeriesResult> {
    clearInterval(this.timer);
    return this.soFar();
  }

  /** What was scraped so far, per selector (scraping goes on). */
  soFar(): Map<string, SeriesResult> {
    const series = new Map<string, SeriesResult>();
    for (const entry of this.selectors) {
      entry.points.sort((a, b) => a.atMs - b.atMs);
      series.set(
        scrapeKey(entry.text),
        entry.points.length > 0
          ? { points: [...entry.points] }
          : this.failures.length === 0
            ? { points: [], missingMetrics: [entry.selector.name] }
            : { error: `scraping ${redactUrl(this.url.href)} failed: ${this.failures.at(-1)}` },
      );
    }
    return series;
  }
}
