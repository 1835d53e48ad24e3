import { ORDEAL_VERSION } from '../report/version.ts';
import { flowScriptLines, type FlowScriptParts } from './k6-flow-script.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { buildTimeline, type PlannedPhase } from '../scenario/timeline.ts';
import { describeGuard, guardName } from '../scenario/guard-schema.ts';

export interface K6ScriptOptions {
  /** The file the scenario came from, named in the header. */
  sourceName?: string;
  /** Default for __ENV.BASE_URL. */
  baseUrl?: string;
  timeScale?: number;
  /** The scenario's compiled flows (a scenario with flows, setup, data, templates or expectations): rendered as k6 code. */
  flows?: FlowScriptParts;
}

/** "1m30s"-style k6 duration from milliseconds (k6 accepts ms, s, m, h units combined). */
export function k6Duration(ms: number): string {
  if (ms % 1_000 !== 0) return `${Math.round(ms)}ms`;
  const seconds = ms / 1_000;
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

const q = (value: unknown): string => JSON.stringify(value);

/** k6 refuses scenario names outside this; ordeal's phase names may also hold dots. */
const K6_SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

/**
 * Each phase's k6 scenario name: the phase's own name where k6 takes it, else with every other character made
 * "_" (and a number added if that name is taken). The requests keep the phase's own name in their `phase` tag,
 * so the thresholds still name it.
 */
export function k6ScenarioNames(phases: readonly { name: string }[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set(phases.map((p) => p.name).filter((name) => K6_SCENARIO_NAME.test(name)));
  for (const { name } of phases) {
    if (K6_SCENARIO_NAME.test(name)) {
      names.set(name, name);
      continue;
    }
    const base = name.replace(/[^0-9a-zA-Z_-]/g, '_');
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    names.set(name, candidate);
  }
  return names;
}

/**
 * What the script does not carry over from the scenario, one line each, for its header: nothing is dropped
 * without a word (faults, probes and resilience checks are said once, above these).
 */
export function k6DroppedFeatures(scenario: Scenario, timeline: ReturnType<typeof buildTimeline>): string[] {
  const lines: string[] = [];
  const names = k6ScenarioNames(timeline.phases);
  for (const [phase, name] of names)
    if (phase !== name)
      lines.push(
        `Phase "${phase}" is k6 scenario "${name}" (k6 allows only letters, digits, _ and - there); its requests keep the tag phase:"${phase}".`,
      );
  const graced = new Map<number, Set<string>>();
  for (const check of timeline.checks)
    if (check.afterMs) graced.set(check.afterMs, (graced.get(check.afterMs) ?? new Set()).add(check.phase));
  for (const [afterMs, phases] of graced)
    lines.push(
      `Not mapped: the SLO grace after ${k6Duration(afterMs)} in ${[...phases].join(', ')}. k6 judges each phase's thresholds from its start; ordeal judges from +${k6Duration(afterMs)}, so k6 may fail where ordeal passes.`,
    );
  scenario.guards.forEach((guard, index) =>
    lines.push(
      `Not mapped: guard "${guardName(guard, index)}" (${describeGuard(guard)}). ordeal stops the run when it trips; k6's abortOnFail judges a whole run's total, not a window, so it is left out.`,
    ),
  );
  lines.push(
    "A phase's end: k6 stops at once (gracefulStop: 0s) and drops the iterations still in flight; ordeal counts every request in the phase it was sent in, its response waited for up to load.timeout.",
  );
  return lines;
}

function executorOf(phase: PlannedPhase, scenario: Scenario): Record<string, unknown> {
  const common = {
    startTime: k6Duration(phase.startOffsetMs),
    gracefulStop: '0s',
    exec: 'traffic',
    tags: { phase: phase.name },
  };
  if (phase.vus !== undefined)
    return { executor: 'constant-vus', vus: phase.vus, duration: k6Duration(phase.durationMs), ...common };
  const peak = Math.max(phase.fromRatePerSec, phase.toRatePerSec);
  // Enough VUs for the peak rate at the request timeout, capped like ordeal's in-flight cap.
  const timeoutSec = scenario.load.timeout.ms / 1_000;
  const maxVUs = Math.max(1, Math.min(scenario.load.maxInFlight, Math.ceil(peak * timeoutSec)));
  const preAllocatedVUs = Math.max(1, Math.min(maxVUs, Math.ceil(peak / 10)));
  if (phase.fromRatePerSec === phase.toRatePerSec) {
    return {
      executor: 'constant-arrival-rate',
      rate: phase.fromRatePerSec,
      timeUnit: '1s',
      duration: k6Duration(phase.durationMs),
      preAllocatedVUs,
      maxVUs,
      ...common,
    };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: phase.fromRatePerSec,
    timeUnit: '1s',
    stages: [{ duration: k6Duration(phase.durationMs), target: phase.toRatePerSec }],
    preAllocatedVUs,
    maxVUs,
    ...common,
  };
}

function thresholdsOf(timeline: ReturnType<typeof buildTimeline>): {
  thresholds: Record<string, string[]>;
  notExpressible: string[];
} {
  const thresholds: Record<string, string[]> = {};
  const notExpressible: string[] = [];
  for (const check of timeline.checks) {
    if (check.metric === 'http_reqs' && check.threshold.aggregation.kind === 'ratio') {
      notExpressible.push(check.phase);
      continue;
    }
    const key = `${check.metric}{phase:${check.phase}${check.step !== undefined ? `,name:${check.step}` : ''}}`;
    thresholds[key] = [...new Set([...(thresholds[key] ?? []), check.threshold.source])];
  }
  const ratioNote =
    notExpressible.length > 0
      ? [`http_reqs ratio (achieved/target rate, no k6 aggregation) in ${[...new Set(notExpressible)].join(', ')}`]
      : [];
  return { thresholds, notExpressible: ratioNote };
}

/**
 * An ordeal scenario's load model as a k6 script in TypeScript (typed with
 * @types/k6): one k6 scenario per phase at its startTime, arrival-rate
 * executors (constant-vus for the closed model), a `phase` tag on every
 * request, and the SLOs as tag-filtered thresholds. Faults, probes and
 * resilience checks are not in it: they stay with ordeal.
 */
/** The k6 `options` (scenarios and thresholds) for a scenario, and the SLOs k6 cannot express. */
export function k6Options(
  scenario: Scenario,
  timeScale?: number,
): {
  scenarios: Record<string, Record<string, unknown>>;
  thresholds: Record<string, string[]>;
  notExpressible: string[];
  dropped: string[];
} {
  const timeline = buildTimeline(scenario, timeScale);
  const { thresholds, notExpressible } = thresholdsOf(timeline);
  const names = k6ScenarioNames(timeline.phases);
  return {
    dropped: k6DroppedFeatures(scenario, timeline),
    scenarios: Object.fromEntries(
      timeline.phases.map((phase) => [names.get(phase.name)!, executorOf(phase, scenario)]),
    ),
    thresholds,
    notExpressible,
  };
}

export function renderK6Script(scenario: Scenario, options: K6ScriptOptions = {}): string {
  if (options.flows) return renderK6FlowScript(scenario, options, options.flows);
  const { scenarios, thresholds, notExpressible, dropped } = k6Options(scenario, options.timeScale);
  const requests = scenario.requests.map((r) => ({
    method: r.method,
    path: r.path,
    weight: r.weight,
    body: r.body === undefined ? null : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
    headers: {
      ...(r.body !== undefined && typeof r.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...(r.headers ?? {}),
    },
  }));
  const lines = [
    ...scriptHead(
      scenario,
      options,
      [
        ...notExpressible.map((text) => `Not expressible as a k6 threshold, judged by ordeal only: ${text}.`),
        ...dropped,
      ],
      ["import http from 'k6/http';", "import type { Options } from 'k6/options';"],
      scenarios,
      thresholds,
    ),
    '',
    'interface WeightedRequest {',
    '  method: string;',
    '  path: string;',
    '  weight: number;',
    '  body: string | null;',
    '  headers: Record<string, string>;',
    '}',
    '',
    `const REQUESTS: WeightedRequest[] = ${JSON.stringify(requests, null, 2)};`,
    'const TOTAL_WEIGHT = REQUESTS.reduce((sum, r) => sum + r.weight, 0);',
    '',
    '/** One arrival: a request picked in proportion to its weight (as ordeal does). */',
    'export function traffic(): void {',
    '  let pick = Math.random() * TOTAL_WEIGHT;',
    '  const request = REQUESTS.find((r) => (pick -= r.weight) < 0) ?? REQUESTS[REQUESTS.length - 1]!;',
    `  http.request(request.method, BASE_URL + request.path, request.body, { headers: request.headers, timeout: ${q(scenario.load.timeout)} });`,
    '}',
    '',
  ];
  return lines.join('\n');
}

/** The script's head: where it came from, its imports, BASE_URL and the k6 options. */
function scriptHead(
  scenario: Scenario,
  options: K6ScriptOptions,
  notes: string[],
  imports: string[],
  scenarios: Record<string, unknown>,
  thresholds: Record<string, string[]>,
): string[] {
  const baseUrl = options.baseUrl ?? scenario.target.baseUrl ?? 'http://127.0.0.1:8080';
  return [
    `// Generated by \`ordeal export k6${options.sourceName ? ` ${options.sourceName}` : ''}\` (ordeal ${ORDEAL_VERSION}); scenario "${scenario.name}".`,
    '// The load model only: faults, probes and resilience checks stay with ordeal (see the README).',
    `// Run: k6 run --out json=results.json -e BASE_URL=${baseUrl} <this file>`,
    ...notes.map((text) => `// ${text}`),
    ...imports,
    '',
    `const BASE_URL: string = __ENV.BASE_URL || ${q(baseUrl)};`,
    '',
    'export const options: Options = {',
    '  discardResponseBodies: true,',
    `  scenarios: ${JSON.stringify(scenarios, null, 2).replace(/\n/g, '\n  ')},`,
    `  thresholds: ${JSON.stringify(thresholds, null, 2).replace(/\n/g, '\n  ')},`,
    '};',
  ];
}

/** A scenario with flows as a k6 script: the same options, and the flows as k6 code (k6-flow-script.ts). */
function renderK6FlowScript(scenario: Scenario, options: K6ScriptOptions, flows: FlowScriptParts): string {
  const { scenarios, thresholds, notExpressible, dropped } = k6Options(scenario, options.timeScale);
  return [
    ...scriptHead(
      scenario,
      options,
      [
        ...notExpressible.map((text) => `Not expressible as a k6 threshold, judged by ordeal only: ${text}.`),
        ...dropped,
      ],
      [
        "import { check, sleep } from 'k6';",
        "import { SharedArray } from 'k6/data';",
        "import exec from 'k6/execution';",
        "import http, { type RefinedResponse, type ResponseType } from 'k6/http';",
        "import type { Options } from 'k6/options';",
      ],
      scenarios,
      thresholds,
    ),
    ...flowScriptLines(flows),
  ].join('\n');
}
