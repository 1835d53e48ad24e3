import { OrdealError } from '../errors/ordeal-error.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { guardedToxiproxy } from '../toxiproxy/guarded-toxiproxy.ts';
import { scenarioNeedsPrometheus } from '../scenario/scenario-needs.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { assertPrometheusAnswers } from '../signals/prometheus-signals.ts';
import { checkAddresses, checkResolvedAddresses } from './run-infrastructure.ts';

/**
 * The dry run's look at the infrastructure a scenario names: the addresses are
 * allowed, and a given Toxiproxy and Prometheus answer. Sends no load and no
 * fault; returns one line per finding, throws (exit 3) when something is down.
 */
export async function preflight(scenario: Scenario, overrides: { toxiproxyUrl?: string; prometheusUrl?: string; targetUrl?: string; allowNonLoopback?: boolean } = {}): Promise<string[]> {
  checkAddresses(scenario, overrides);
  const policy = { allowlist: scenario.target.allowlist, allowNonLoopback: overrides.allowNonLoopback === true };
  await checkResolvedAddresses(scenario, overrides, policy);
  const http = new GuardedHttp(policy);
  try {
    return await lookAtInfrastructure(scenario, overrides, http);
  } finally {
    await http.close();
  }
}

async function lookAtInfrastructure(scenario: Scenario, overrides: { toxiproxyUrl?: string; prometheusUrl?: string }, http: GuardedHttp): Promise<string[]> {
  const lines: string[] = [];
  if (scenario.stack) lines.push('bundled stack: started by `ordeal run` on free loopback ports (with its own Toxiproxy and, for signal checks, Prometheus)');
  const toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) {
    const proxies = await guardedToxiproxy(toxiproxyUrl, http).getAll().catch((cause: Error) => {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${redactUrl(toxiproxyUrl)} does not answer: ${cause.message} (start toxiproxy-server, or fix toxiproxy.url)`, { cause });
    });
    lines.push(`toxiproxy at ${redactUrl(toxiproxyUrl)}: answers (proxies: ${Object.keys(proxies).join(', ') || 'none'})`);
  }
  const prometheusUrl = overrides.prometheusUrl ?? scenario.prometheus?.url;
  if (prometheusUrl && scenarioNeedsPrometheus(scenario)) {
    await assertPrometheusAnswers({ http, url: prometheusUrl }).catch((cause: Error) => {
      throw new OrdealError('ORDEAL_ERR_PROMETHEUS', `Prometheus at ${redactUrl(prometheusUrl)} does not answer: ${cause.message} (start Prometheus, or fix prometheus.url)`, { cause });
    });
    lines.push(`prometheus at ${redactUrl(prometheusUrl)}: answers`);
  }
  return lines;
}
