import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { evaluateAlert, evaluateNoAlert } from './alert-check.ts';
import { evaluateAutoscaling } from './autoscaling-check.ts';
import { evaluateBreaker } from './breaker-check.ts';
import { evaluateFailover } from './failover-check.ts';
import { evaluateHealth } from './health-check.ts';
import { evaluatePromql } from './promql-check.ts';
import { evaluateResources } from './resources-check.ts';
import type { ResilienceContext } from './resilience-context.ts';

export function evaluateResilienceCheck(check: ResilienceCheck, context: ResilienceContext): CheckResult[] {
  switch (check.kind) {
    case 'breaker':
      return evaluateBreaker(check, context);
    case 'failover':
      return evaluateFailover(check, context);
    case 'autoscaling':
      return evaluateAutoscaling(check, context);
    case 'alert':
      return evaluateAlert(check, context);
    case 'no-alert':
      return evaluateNoAlert(check, context);
    case 'resources':
      return evaluateResources(check, context);
    case 'health':
      return evaluateHealth(check, context);
    case 'promql':
      return evaluatePromql(check, context);
  }
}
