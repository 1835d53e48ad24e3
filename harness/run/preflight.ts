import { Toxiproxy } from 'toxiproxy-node-client';
import { OrdealError } from '../errors/ordeal-error.ts';
import { scenarioNeedsPrometheus } from '../scenario/scenario-needs.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { assertPrometheusAnswers } from '../signals/prometheus-signals.ts';
import { checkAddresses } from './run-infrastructure.ts';

/**
 * The dry run's look at the infrastructure a scenario names: the addresses are
 * allowed, and a given Toxiproxy and Prometheus answer. Sends no load and no
 * fault; returns one line per finding, throws (exit 3) when something is down.
 */
export async function preflight(scenario: Scenario, overrides: { toxiproxyUrl?: string; prometheusUrl?: string } = {}): Promise<string[]> {
  checkAddresses(scenario, overrides);
  const lines: string[] = [];
  if (scenario.stack) lines.push('bundled stack: started by `ordeal run` on free loopback ports (with its own Toxiproxy and, for signal checks, Prometheus)');
  const toxiproxyUrl = overrides.toxiproxyUrl ?? scenario.toxiproxy?.url;
  if (toxiproxyUrl) {
    const proxies = await new Toxiproxy(toxiproxyUrl).getAll().catch((cause: Error) => {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${toxiproxyUrl} does not answer: ${cause.message} (start toxiproxy-server, or fix toxiproxy.url)`, { cause });
    });
    lines.push(`toxiproxy at ${toxiproxyUrl}: answers (proxies: ${Object.keys(proxies).join(', ') || 'none'})`);
  }
  const prometheusUrl = overrides.prometheusUrl ?? scenario.prometheus?.url;
  if (prometheusUrl && scenarioNeedsPrometheus(scenario)) {
    await assertPrometheusAnswers(prometheusUrl).catch((cause: Error) => {
      throw new OrdealError('ORDEAL_ERR_PROMETHEUS', `Prometheus at ${prometheusUrl} does not answer: ${cause.message} (start Prometheus, or fix prometheus.url)`, { cause });
    });
    lines.push(`prometheus at ${prometheusUrl}: answers`);
  }
  return lines;
}
