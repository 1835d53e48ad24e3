import type { HealthSample } from './recorded-signals.ts';

/** Samples HTTP health endpoints (live, ready, startup) every interval during the run. */
export class HealthProber {
  private readonly samples = new Map<string, HealthSample[]>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly baseUrl: URL,
    private readonly paths: Record<string, string>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    const sample = (): void => {
      for (const [probe, path] of Object.entries(this.paths)) {
        const atMs = Date.now();
        fetch(new URL(path, this.baseUrl), { signal: AbortSignal.timeout(this.timeoutMs) }).then(
          async (response) => {
            await response.arrayBuffer();
            this.record(probe, { atMs, ok: response.status >= 200 && response.status < 400, status: response.status });
          },
          () => this.record(probe, { atMs, ok: false, status: null }),
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
