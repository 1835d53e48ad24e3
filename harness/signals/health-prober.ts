import { systemClock, type Clock } from '../clock/clock.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import type { HealthSample } from './recorded-signals.ts';

/** A health endpoint answers a few bytes; a larger body is read no further and the probe counts as failed. */
const MAX_HEALTH_BODY_BYTES = 64 * 1024;

/**
 * Samples HTTP health endpoints (live, ready, startup) every interval during
 * the run, on the target's own origin only. Like a Kubernetes httpGet probe,
 * 200–399 is healthy; redirects are not followed. A probe that fails in any
 * way (refused, timed out, a body over 64 KB) is a failed sample, never a crash.
 */
export class HealthProber {
  private readonly samples = new Map<string, HealthSample[]>();
  private readonly urls: [string, URL][];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly http: GuardedHttp,
    baseUrl: URL,
    paths: Record<string, string>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.urls = Object.entries(paths).map(([probe, path]) => {
      const url = new URL(path, baseUrl);
      // The schema accepts paths only; this keeps it so for any caller.
      if (url.origin !== baseUrl.origin) throw new Error(`health probe "${probe}": ${path} leaves the target's origin ${baseUrl.origin}`);
      return [probe, url];
    });
  }

  start(): void {
    const sample = (): void => {
      for (const [probe, url] of this.urls) {
        const atMs = this.clock.nowMs();
        const path = url.pathname + url.search;
        const latencyMs = () => Math.max(0, this.clock.nowMs() - atMs);
        this.http.request(url, { timeoutMs: this.timeoutMs, maxBodyBytes: MAX_HEALTH_BODY_BYTES }).then(
          (response) => this.record(probe, { atMs, ok: response.status >= 200 && response.status < 400, status: response.status, path, latencyMs: latencyMs() }),
          () => this.record(probe, { atMs, ok: false, status: null, path, latencyMs: latencyMs() }),
        );
      }
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
  }

  private record(probe: string, sample: HealthSample): void {
    const list = this.samples.get(probe) ?? [];
    list.push(sample);
    this.samples.set(probe, list);
  }

  stop(): Map<string, HealthSample[]> {
    clearInterval(this.timer);
    for (const list of this.samples.values()) list.sort((a, b) => a.atMs - b.atMs);
    return this.samples;
  }
}
