import type { FlowInputs } from '../flows/compiled-flow.ts';
import { compileRequests } from '../flows/compile-flows.ts';
import { renderTraffic } from './render-traffic.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { formatDurationMs } from '../notation/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Timeline } from '../scenario/timeline.ts';
import { findK6Binary } from '../load/k6-driver.ts';
import { describeGuard, guardName } from '../scenario/guard-schema.ts';
import { describeCheck, needsPrometheus, phasesNamedBy, readsOf } from '../checks/check-registry.ts';
import type { ResilienceCheck } from '../checks/check-registry.ts';
import { checkScene } from '../scenario/check-scene.ts';

/** What a check reads, one line each: every query, scrape and probe the run will make for it. */
function readLines(check: ResilienceCheck, scenario: Scenario, indent: string): string[] {
  const prometheus = scenario.prometheus?.url ?? 'the bundled Prometheus';
  // As the run resolves it: scrape.url against the target's address, /metrics by default.
  const scrape = scenario.target.baseUrl
    ? new URL(scenario.scrape.url ?? '/metrics', scenario.target.baseUrl).href
    : `the target's ${scenario.scrape.url ?? '/metrics'}`;
  return readsOf(check).map(
    (read) =>
      `${indent}${read.role}: ${read.source === 'scrape' ? `scrape ${scrape}: ${read.text}` : `PromQL on ${prometheus}: ${read.text}`}`,
  );
}

function warmupLine(scenario: Scenario, timeline: Timeline): string {
  const first = timeline.phases[0]!;
  if (scenario.load.warmup === false)
    return 'warm-up: off (load.warmup: false): no request is sent before the first phase; connections are still opened ahead of each phase';
  const level =
    first.vus !== undefined ? `${first.vus} VUs` : `${Math.max(first.fromRatePerSec, first.toRatePerSec)} req/s`;
  return `warm-up: ${scenario.load.warmup} at ${level} before the first phase and before its faults (untimed, never recorded; load.warmup: false turns it off)`;
}

/** The dry-run view of a scenario: what would run, when, with which faults and checks. Sends nothing. */
export function renderPlan(
  scenario: Scenario,
  timeline: Timeline,
  inputs: FlowInputs = compileRequests(scenario.requests),
): string {
  const target = scenario.stack
    ? `the bundled trading stack (breaker ${scenario.stack.breaker ? 'on' : 'OFF'}, failover ${scenario.stack.failover ? 'on' : 'OFF'})`
    : scenario.target.baseUrl;
  const lines = [
    `scenario ${scenario.name}: ${timeline.phases.length} phases, ${formatDurationMs(timeline.totalDurationMs)}, target ${target}`,
    ...renderTraffic(scenario, inputs),
    scenario.load.driver === 'k6'
      ? `load: k6 (${findK6Binary() ?? 'no k6 binary found: set K6_BINARY or put k6 on PATH'}), the exported script (ordeal export k6), request timeout ${scenario.load.timeout}`
      : scenario.load.driver === 'autocannon'
        ? `load: autocannon (closed model driving a rate), up to ${scenario.load.connections} connections, request timeout ${scenario.load.timeout}`
        : `load: ordeal ${scenario.load.model} model, ${scenario.load.model === 'open' ? `at most ${scenario.load.maxInFlight} in flight, send lag p99 <= ${scenario.load.maxSendLag} or the phase's load checks are inconclusive` : `virtual users, together at most ${scenario.limits.maxRatePerSec} req/s (limits.maxRatePerSec)`}, request timeout ${scenario.load.timeout}`,
    ...(scenario.readiness
      ? [
          `readiness: before anything is sent, wait up to ${scenario.readiness.timeout} (every ${scenario.readiness.interval}) until ${[scenario.readiness.path && `GET ${scenario.readiness.path} answers 2xx/3xx`, scenario.readiness.promql && `${scenario.readiness.promql} is > 0`].filter(Boolean).join(' and ')} (outside the verdict; not ready in time: exit 3)`,
        ]
      : []),
    ...(scenario.load.driver === 'ordeal' ? [warmupLine(scenario, timeline)] : []),
    '',
  ];
  for (const phase of timeline.phases) {
    const rate =
      phase.vus !== undefined
        ? `${phase.vus} VUs (closed model)`
        : phase.fromRatePerSec === phase.toRatePerSec
          ? `${phase.fromRatePerSec} req/s`
          : `${phase.fromRatePerSec} → ${phase.toRatePerSec} req/s`;
    lines.push(
      `  ${formatDurationMs(phase.startOffsetMs).padStart(6)}  ${phase.name.padEnd(24)} ${formatDurationMs(phase.durationMs).padStart(6)}  ${rate}`,
    );
    for (const fault of phase.faults) lines.push(`${' '.repeat(10)}fault: ${describeFault(fault)}`);
    for (const check of timeline.checks.filter((c) => c.phase === phase.name)) {
      lines.push(
        `${' '.repeat(10)}check: ${check.metric} ${check.threshold.source}${check.afterMs ? ` (judged from +${check.afterMs / 1_000}s: slo.after)` : ''}`,
      );
    }
    // A check over several phases is listed under each; its reads under the first.
    for (const check of scenario.checks.filter((c) => phasesNamedBy(c).includes(phase.name))) {
      lines.push(`${' '.repeat(10)}check: ${describeCheck(check, checkScene(scenario))}`);
      if (phasesNamedBy(check)[0] === phase.name) lines.push(...readLines(check, scenario, ' '.repeat(17)));
    }
  }
  const runWide = scenario.checks.filter((c) => phasesNamedBy(c).length === 0);
  for (const check of runWide) {
    lines.push(`  every phase: ${describeCheck(check, checkScene(scenario))}`);
    lines.push(...readLines(check, scenario, ' '.repeat(4)));
  }
  lines.push(
    '',
    scenario.guards.length > 0
      ? 'guards (any one trips: load stops, faults removed, verdict aborted):'
      : 'guards: none (add guards to stop a run that goes wrong, e.g. { metric: "http_req_failed", trip: "rate>0.2", for: "10s" })',
  );
  scenario.guards.forEach((guard, index) => lines.push(`  ${guardName(guard, index)}: ${describeGuard(guard)}`));
  lines.push(`limits: at most ${scenario.limits.maxRatePerSec} req/s, at most ${scenario.limits.maxDuration}`);
  if (scenario.checks.some(needsPrometheus)) {
    lines.push(
      '',
      `signals: ${scenario.prometheus?.url ? `Prometheus at ${scenario.prometheus.url}` : "a Prometheus ordeal starts beside the bundled stack (1 s scrapes, the service's alert rules)"}`,
    );
  }
  lines.push(
    '',
    `${timeline.checks.length + scenario.checks.length} checks. No request and no fault was sent: this is a dry run (addresses are only checked to be listening).`,
  );
  return lines.join('\n');
}
