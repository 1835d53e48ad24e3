import { describeFault } from '../scenario/fault-schema.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Timeline } from '../scenario/timeline.ts';

/** The dry-run view of a scenario: what would run, when, with which faults and checks. Sends nothing. */
export function renderPlan(scenario: Scenario, timeline: Timeline): string {
  const target = scenario.stack
    ? `the bundled trading stack (breaker ${scenario.stack.breaker ? 'on' : 'OFF'}, failover ${scenario.stack.failover ? 'on' : 'OFF'})`
    : scenario.target.baseUrl;
  const lines = [
    `scenario ${scenario.name}: ${timeline.phases.length} phases, ${formatDurationMs(timeline.totalDurationMs)}, target ${target}`,
    `requests: ${scenario.requests.map((r) => `${r.method} ${r.path} (weight ${r.weight})`).join(', ')}`,
    scenario.load.driver === 'autocannon'
      ? `load: autocannon (closed model driving a rate), up to ${scenario.load.connections} connections, request timeout ${scenario.load.timeout}`
      : `load: ordeal ${scenario.load.model} model, ${scenario.load.model === 'open' ? `at most ${scenario.load.maxInFlight} in flight` : 'virtual users'}, request timeout ${scenario.load.timeout}`,
    '',
  ];
  for (const phase of timeline.phases) {
    const rate =
      phase.vus !== undefined
        ? `${phase.vus} VUs (closed model)`
        : phase.fromRatePerSec === phase.toRatePerSec
          ? `${phase.fromRatePerSec} req/s`
          : `${phase.fromRatePerSec} → ${phase.toRatePerSec} req/s`;
    lines.push(`  ${formatDurationMs(phase.startOffsetMs).padStart(6)}  ${phase.name.padEnd(24)} ${formatDurationMs(phase.durationMs).padStart(6)}  ${rate}`);
    for (const fault of phase.faults) lines.push(`${' '.repeat(10)}fault: ${describeFault(fault)}`);
    for (const check of timeline.checks.filter((c) => c.phase === phase.name)) {
      lines.push(`${' '.repeat(10)}check: ${check.metric} ${check.threshold.source}`);
    }
  }
  lines.push('', `${timeline.checks.length} checks. Nothing was sent: this is a dry run.`);
  return lines.join('\n');
}
