import type { Registry } from 'prom-client';
import { wallClockMs } from '../clock/time-base.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl, redactUrlsIn } from '../net/redact-url.ts';
import { ORDEAL_VERSION } from '../report/version.ts';

/** One remote-write series: its labels (`__name__` among them) and its samples. */
export interface RemoteSeries {
  labels: { __name__: string; [label: string]: string };
  samples: { value: number; timestamp: number }[];
}

/** A remote-write push answers within this; a slower receiver loses that push, not the run. */
export const REMOTE_WRITE_TIMEOUT_MS = 5_000;

/**
 * The registry's values now, as remote-write series stamped `timestampMs` (wall clock: Prometheus stores epoch
 * times), `labels` added to each (job, run_id, scenario: what tells this run apart in a shared Prometheus). The
 * same names as ordeal's own /metrics: a board reads either.
 */
export async function registryAsSeries(
  registry: Registry,
  labels: Readonly<Record<string, string>>,
  timestampMs: number,
): Promise<RemoteSeries[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap((metric) =>
    metric.values
      .filter((value) => Number.isFinite(value.value))
      .map((value) => {
        const all: Record<string, string> = {
          ...Object.fromEntries(Object.entries(value.labels).map(([name, v]) => [name, String(v)])),
          ...labels,
          __name__: (value as { metricName?: string }).metricName ?? metric.name,
        };
        // Sorted by name, as the remote-write protocol asks.
        const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        return { labels: sorted as RemoteSeries['labels'], samples: [{ value: value.value, timestamp: timestampMs }] };
      }),
  );
}

type PushTimeseries = (typeof import('prometheus-remote-write'))['pushTimeseries'];

/** prometheus-remote-write (protobuf and snappy), an optional peer: loaded when remote write is asked for. */
export async function loadRemoteWriteClient(): Promise<PushTimeseries> {
  try {
    return (await import('prometheus-remote-write')).pushTimeseries;
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      '--remote-write needs the prometheus-remote-write package, an optional peer dependency ordeal does not install: npm install prometheus-remote-write',
      { cause },
    );
  }
}

/**
 * Pushes a registry to a Prometheus remote-write receiver every `intervalMs` while a run goes, and once more at
 * its end: a long run sits on the team's dashboards as it happens, and what was pushed survives ordeal's death.
 * Each push is the registry's state then (counters cumulative: a lost push loses no total), so nothing queues:
 * memory stays bounded whatever the receiver does. Requests go through ordeal's guarded client (allowlist, no
 * redirects, credentials from the URL). A failed push is a warning, said when it starts failing and when it
 * recovers, never the verdict's business.
 */
export class RemoteWriter {
  private timer?: NodeJS.Timeout;
  private pushing?: Promise<void>;
  private failing = false;
  pushes = 0;
  failures = 0;

  constructor(
    private readonly push: PushTimeseries,
    private readonly registry: Registry,
    private readonly url: URL,
    private readonly http: GuardedHttp,
    private readonly onWarning: (message: string) => void,
  ) {}

  /** Starts pushing with these labels on every series (the run's, known once it started). */
  start(labels: Readonly<Record<string, string>>, intervalMs: number): void {
    this.labels = labels;
    this.timer = setInterval(() => void this.pushNow(), intervalMs);
    this.timer.unref();
    void this.pushNow();
  }

  private labels: Readonly<Record<string, string>> = {};

  /** One push of the state now; one at a time (a push still going when the next falls due skips it). */
  pushNow(): Promise<void> {
    this.pushing ??= this.pushOnce().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  /** Stops the timer after a last push of the end state. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pushing;
    if (this.pushes + this.failures > 0) await this.pushNow();
  }

  private async pushOnce(): Promise<void> {
    const shown = redactUrl(this.url.href);
    try {
      const series = await registryAsSeries(this.registry, this.labels, wallClockMs());
      const result = await this.push(series, {
        url: this.url.href,
        timeout: REMOTE_WRITE_TIMEOUT_MS,
        headers: {
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': `ordeal/${ORDEAL_VERSION}`,
        },
        fetch: (target, init) => this.guardedFetch(target, init),
      });
      if (result.status < 200 || result.status > 299)
        throw new Error(
          `answered ${result.status}${result.errorMessage ? `: ${result.errorMessage.slice(0, 200)}` : ''}`,
        );
      this.pushes++;
      if (this.failing) this.onWarning(`remote write to ${shown} works again (${this.failures} pushes lost)`);
      this.failing = false;
    } catch (error) {
      this.failures++;
      if (!this.failing)
        this.onWarning(
          `remote write to ${shown} failed: ${redactUrlsIn((error as Error).message)}; ordeal keeps trying`,
        );
      this.failing = true;
    }
  }

  private async guardedFetch(
    target: string,
    init?: { method: string; headers: Record<string, string>; body: ArrayBufferLike; timeout?: number },
  ): Promise<{ status: number; statusText: string; text: () => Promise<string> }> {
    const response = await this.http.request(target, {
      method: 'POST',
      headers: init?.headers ?? {},
      body: init ? new Uint8Array(init.body) : undefined,
      timeoutMs: init?.timeout ?? REMOTE_WRITE_TIMEOUT_MS,
      maxBodyBytes: 64 * 1024,
    });
    return { status: response.status, statusText: String(response.status), text: async () => response.text() };
  }
}
