import { systemClock, type Clock } from '../clock/clock.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import type { HealthSample } from '../checks/recorded-signals.ts';

/** A health endpoint answers a few bytes; a larger body is read no further and the probe counts as failed. */
const MAX_HEALTH_BODY_BYTES = 64 * 1024;

/** One probe: where, which statuses are healthy (default 200–399, as a Kubernetes httpGet probe), and a text the body must hold. */
export interface ProbeSpec {
  url: URL;
  /** How the report names it: the path on the target, or the whole URL elsewhere. */
  shownAs: string;
  statuses?: readonly number[];
  body?: string;
}

/**
 * Samples HTTP health endpoints every interval during the run: the target's
 * live/ready/startup paths and any named probes (a path on the target, or an
 * allowlisted URL — the guarded client refuses anything else). Redirects are
 * not followed. A probe that fails in any way (refused, timed out, a body over
 * 64 KB, an unexpected status, the body without the expected text) is a
 * failed sample, never a crash.
 */
export class HealthProber {
  private readonly samples = new Map<string, HealthSample[]>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly http: GuardedHttp,
    private readonly probes: ReadonlyMap<string, ProbeSpec>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    const sample = (): void => {
      for (const [probe, spec] of this.probes) {
        const atMs = this.clock.nowMs();
        const latencyMs = () => Math.max(0, this.clock.nowMs() - atMs);
        this.http.request(spec.url, { timeoutMs: this.timeoutMs, maxBodyBytes: MAX_HEALTH_BODY_BYTES }).then(
          (response) => {
            const statusOk = spec.statuses
              ? spec.statuses.includes(response.status)
              : response.status >= 200 && response.status < 400;
            const bodyOk = spec.body === undefined || response.text().includes(spec.body);
            this.record(probe, {
              atMs,
              ok: statusOk && bodyOk,
              status: response.status,
              path: spec.shownAs,
              latencyMs: latencyMs(),
              ...(statusOk && !bodyOk ? { note: `body without "${spec.body}"` } : {}),
            });
          },
          () => this.record(probe, { atMs, ok: false, status: null, path: spec.shownAs, latencyMs: latencyMs() }),
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

  /** The samples so far, per probe, in time order (probing goes on). */
  soFar(): Map<string, HealthSample[]> {
    return new Map([...this.samples].map(([probe, list]) => [probe, [...list].sort((a, b) => a.atMs - b.atMs)]));
  }
}

/** The probes a scenario's health section names: live/ready/startup on the target's origin, then its named probes. */
export function probeSpecs(
  baseUrl: URL,
  health: {
    paths: Record<string, string>;
    probes?: Record<string, { url: string; status?: number | number[]; body?: string }>;
  },
): Map<string, ProbeSpec> {
  const specs = new Map<string, ProbeSpec>();
  const onTarget = (path: string, probe: string): URL => {
    const url = new URL(path, baseUrl);
    // The schema accepts paths only here; this keeps it so for any caller.
    if (url.origin !== baseUrl.origin)
      throw new Error(`health probe "${probe}": ${path} leaves the target's origin ${baseUrl.origin}`);
    return url;
  };
  for (const [probe, path] of Object.entries(health.paths))
    specs.set(probe, { url: onTarget(path, probe), shownAs: path });
  for (const [probe, spec] of Object.entries(health.probes ?? {})) {
    const url = spec.url.startsWith('/') ? onTarget(spec.url, probe) : new URL(spec.url);
    specs.set(probe, {
      url,
      shownAs: spec.url,
      ...(spec.status !== undefined ? { statuses: Array.isArray(spec.status) ? spec.status : [spec.status] } : {}),
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    });
  }
  return specs;
}
