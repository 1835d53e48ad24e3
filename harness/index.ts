/** The public library surface: what a scenario file or another program imports. */
export { defineScenario } from './scenario/define-scenario.ts';
export type { ScenarioInput, Scenario } from './scenario/scenario-schema.ts';
export { PUBLISHED_SLO, PUBLISHED_TARGETS } from './scenario/published-targets.ts';
export { loadScenario } from './scenario/load-scenario.ts';
export { validateScenario } from './scenario/validate-scenario.ts';
export { buildTimeline } from './scenario/timeline.ts';
export { runScenario, type RunOptions } from './run/run-scenario.ts';
export { RunEvents } from './run/run-events.ts';
export { writeReports } from './report/write-reports.ts';
export type { RunReport } from './report/run-report.ts';
export { OrdealError } from './errors/ordeal-error.ts';
