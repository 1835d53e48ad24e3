import { systemClock, type Clock } from '../clock/clock.ts';
import { waitUntil } from '../clock/wait-until.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { instantQuery } from '../signals/prometheus-api.ts';

export type ReadinessGate = NonNullable<Scenario['readiness']>;

/**
 * Before the first phase (and before the warm-up), waits until the service
 * says it is ready — a health path answering 2xx/3xx, and/or a PromQL query
 * whose every series is > 0 — for at most `timeout`. Outside the verdict: it
 * only decides when the load may start, and says how long that took. Not
 * ready in time: an infrastructure error (exit 3), nothing sent.
 */
export async function waitUntilReady(
  gate: ReadinessGate,
  context: { http: GuardedHttp; targetUrl: URL; prometheusUrl?: string; clock?: Clock; signal?: AbortSignal },
): Promise<number> {
  const clock = context.clock ?? systemClock;
  const startedMs = clock.nowMs();
  let last = 'not asked yet';
  const ready = async (): Promise<boolean> => {
    if (gate.path) {
      const url = new URL(gate.path, context.targetUrl);
      const response = await context.http
        .request(url, { timeoutMs: 2_000, maxBodyBytes: 64 * 1024 })
        .catch((error: Error) => error);
      if (response instanceof Error || response.status < 200 || response.status >= 400) {
        last = `GET ${gate.path} ${response instanceof Error ? `failed: ${response.message}` : `answered ${response.status}`}`;
        return false;
      }
    }
    if (gate.promql) {
      if (!context.prometheusUrl)
        throw new OrdealError('ORDEAL_ERR_SCENARIO', 'readiness.promql needs a Prometheus (set prometheus.url)');
      const result = await instantQuery({ http: context.http, url: context.prometheusUrl }, gate.promql).catch(
        (error: Error) => error,
      );
      if (result instanceof Error || result.length === 0 || !result.every((s) => Number(s.value[1]) > 0)) {
        last = `${gate.promql} ${result instanceof Error ? `failed on ${redactUrl(context.prometheusUrl)}: ${result.message}` : result.length === 0 ? 'returned no series' : `was ${result.map((s) => s.value[1]).join(', ')}`}`;
        return false;
      }
    }
    return true;
  };
  const timeoutMs = gate.timeout.ms;
  try {
    await waitUntil(ready, {
      timeoutMs,
      intervalMs: gate.interval.ms,
      clock,
      signal: context.signal,
      what: 'readiness',
    });
  } catch (cause) {
    if (cause instanceof OrdealError) throw cause;
    throw new OrdealError(
      'ORDEAL_ERR_TARGET_UNREACHABLE',
      `readiness: the service was not ready within ${gate.timeout} (last: ${last}); nothing was sent`,
      { cause },
    );
  }
  return clock.nowMs() - startedMs;
}
