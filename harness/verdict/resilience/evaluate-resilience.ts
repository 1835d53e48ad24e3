import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { evaluateAlert, evaluateNoAlert } from './alert-check.ts';
import { evaluateAutoscaling, replicasQuery } from './autoscaling-check.ts';
import { breakerQuery, evaluateBreaker } from './breaker-check.ts';
import { evaluateFailover, replicaQuery } from './failover-check.ts';
import { evaluateHealth } from './health-check.ts';
import { cpuQuery, evaluateResources, memoryQuery } from './resources-check.ts';
import type { ResilienceContext } from './resilience-context.ts';
import { scrapeKey } from '../../signals/scrape-key.ts';

export function evaluateResilienceCheck(check: ResilienceCheck, context: ResilienceContext): CheckResult[] {
  switch (check.kind) {
    case 'breaker': return evaluateBreaker(check, context);
    case 'failover': return evaluateFailover(check, context);
    case 'autoscaling': return evaluateAutoscaling(check, context);
    case 'alert': return evaluateAlert(check, context);
    case 'no-alert': return evaluateNoAlert(check, context);
    case 'resources': return evaluateResources(check, context);
    case 'health': return evaluateHealth(check, context);
  }
}

/** The PromQL a set of checks needs over the run. */
export function queriesFor(checks: readonly ResilienceCheck[]): string[] {
  return seriesKeysFor(checks).filter((key) => !key.startsWith(SCRAPE_PREFIX));
}

/** The metric selectors a set of checks reads from a direct /metrics scrape. */
export function scrapeSelectorsFor(checks: readonly ResilienceCheck[]): string[] {
  return seriesKeysFor(checks).filter((key) => key.startsWith(SCRAPE_PREFIX)).map((key) => key.slice(SCRAPE_PREFIX.length));
}

const SCRAPE_PREFIX = scrapeKey('');

function seriesKeysFor(checks: readonly ResilienceCheck[]): string[] {
  return checks.flatMap((check) => {
    switch (check.kind) {
      case 'breaker': return [breakerQuery(check)];
      case 'failover': return [replicaQuery(check)];
      case 'autoscaling': return [replicasQuery(check)];
      case 'resources': return [cpuQuery(check), memoryQuery(check)];
      default: return [];
    }
  });
}
