import { guardSchema } from './guard-schema.ts';
import { z } from 'zod';
import { effectivePhaseMs, formatDurationMs } from '../notation/duration.ts';
import { durationAtLeast, durationSchema } from '../notation/duration-schema.ts';
import { checkIssues, checkSchema, missingRead, needsPrometheus, phasesNamedBy } from '../checks/check-registry.ts';
import { checkScene } from './check-scene.ts';
import { faultSchema } from './fault-schema.ts';
import { dataSchema, envSchema, stepExtras, thinkTimeSchema } from './flow-schema.ts';
import { notifySchema } from './notify-schema.ts';
import { PUBLISHED_SLO } from './published-targets.ts';
import { parseThreshold } from './threshold.ts';
import { METRIC_AGGREGATIONS, sloEntries, type SloMetric } from './slo-keys.ts';
import { usesFlowFeatures } from './flow-features.ts';

const rateSchema = z.union([
  z.number().positive().max(1_000_000).describe('Arrivals per second, constant over the phase.'),
  z
    .strictObject({
      from: z.number().min(0).max(1_000_000).describe("Arrivals per second at the phase's start."),
      to: z.number().min(0).max(1_000_000).describe('Arrivals per second at its end (linear in between).'),
    })
    .describe('A linear ramp of arrivals per second.'),
]);

const phaseSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: 'is not a phase name (use letters, digits, ".", "_" or "-", e.g. "peak")',
    })
    .describe('The phase\'s name, unique in the scenario: checks, SLOs and the report refer to it (e.g. "peak").'),
  duration: durationSchema.describe('How long the phase lasts ("30s", "2m", "1m30s"); --time-scale shortens it.'),
  /** Open model: arrivals per second (or a ramp). */
  rate: rateSchema
    .optional()
    .describe('Open model: arrivals per second, or a ramp { from, to }. Required in the open model.'),
  /** Closed model: virtual users (connections), each sending again as soon as its response arrives. */
  vus: z
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe(
      'Closed model: virtual users, each sending again as soon as its response arrives (default: load.connections).',
    ),
  faults: z
    .array(faultSchema)
    .prefault([])
    .describe('Toxiproxy faults in place for the whole phase: applied before its load, removed after it, always.'),
});

/** A request target: a path on the target's origin, with nothing that would end the request line. */
// eslint-disable-next-line no-control-regex -- a space or control character in a path is what is refused
const NO_SPACE_OR_CONTROL = /^[^\s\x00-\x1f\x7f]*$/;
// eslint-disable-next-line no-control-regex -- a line break or NUL in a header value is what is refused
const NO_LINE_BREAK_OR_NUL = /^[^\r\n\x00]*$/;

const requestPathSchema = z
  .string()
  .startsWith('/', { error: 'must start with "/" (e.g. "/api/quotes/ACME")' })
  // A template ({{ orderId }}) may hold spaces; what it is filled with is checked when it is filled.
  .refine((path) => NO_SPACE_OR_CONTROL.test(path.replace(/\{\{[^{}]*\}\}/g, 'x')), {
    error: 'contains a space, line break or control character (percent-encode it, e.g. %20)',
  });

/** A path on the target's own origin: "//host/…" or "\\host" would lead elsewhere. */
const originPathSchema = requestPathSchema.regex(/^\/(?![/\\])[^\\]*$/, {
  error: 'must be a path on the target (e.g. "/health/live"), not another host',
});

const requestFields = {
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET').describe('HTTP method.'),
  path: requestPathSchema.describe(
    'Path (and query) on the target, starting with "/" (e.g. "/api/quotes/ACME", "/orders/{{ orderId }}").',
  ),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .describe('Request body: a string as is, an object as JSON. Strings in it may use {{ variables }}.'),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
        error: "is not an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)",
      }),
      z.string().regex(NO_LINE_BREAK_OR_NUL, {
        error: 'contains a line break or NUL, which would split the request (remove it)',
      }),
    )
    .optional()
    .describe(
      'Request headers, name to value; values may use {{ variables }} (e.g. "Bearer {{ token }}"). Authorization and Cookie values are secrets: never shown in any output.',
    ),
};

const requestSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .optional()
    .describe('A name for the request in reports and k6 exports (default: method and path).'),
  ...requestFields,
  expect: stepExtras.expect,
  weight: z
    .number()
    .positive()
    .default(1)
    .describe('Relative share of traffic: a request with weight 3 is sent three times as often as one with weight 1.'),
});

const stepName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error: 'is not a step name (letters, digits, ".", "_" or "-", e.g. "login")',
});

/** One request of a flow, with its own name: latency and errors are recorded per step name. */
const stepSchema = z.strictObject({
  name: stepName.describe(
    "The step's name: its latency and errors are reported under it, and SLOs can target it (http_req_duration{name:login}).",
  ),
  ...requestFields,
  ...stepExtras,
});

const flowSchema = z.strictObject({
  name: stepName.describe("The flow's name: its whole-iteration duration is reported under it."),
  weight: z.number().positive().default(1).describe('Relative share of iterations among flows (and plain requests).'),
  steps: z
    .array(stepSchema)
    .min(1, { error: 'needs at least one step (e.g. { name: "home", path: "/" })' })
    .describe('The requests of one iteration, in order; captures carry values from one to the next.'),
  thinkTime: thinkTimeSchema.optional(),
});

export { METRIC_AGGREGATIONS, type SloMetric } from './slo-keys.ts';

const thresholdListSchema = (meaning: string) => z.array(z.string()).optional().describe(meaning);

const sloSchema = z
  .strictObject({
    phases: z
      .array(z.string())
      .optional()
      .describe('The phases these thresholds judge, each on its own ("*" or absent: every phase).'),
    /** A grace at each phase's start: judge from start + this (a proxy's detection time, an alert's rate window carried over). */
    after: durationSchema
      .optional()
      .describe('A grace at each phase\'s start: judge from start + this (e.g. "2s", a proxy\'s detection time).'),
    http_req_duration: thresholdListSchema(
      'Latency thresholds in ms, k6 syntax: "p(95)<500", "p(99)<1000", "avg<200", "max<2000".',
    ),
    http_req_failed: thresholdListSchema(
      'Error-rate thresholds, k6 syntax: "rate<0.01" (a share of requests, 0 to 1).',
    ),
    http_reqs: thresholdListSchema(
      'Throughput thresholds: "rate>=100" (req/s), "count>1000", or "ratio>=0.95" (achieved over target rate).',
    ),
    // Typed unknown (an index signature every named key above fits); checked to be a list of thresholds below.
  })
  .catchall(
    z
      .unknown()
      .describe(
        'One step, flow or named request, in k6\'s tag syntax: "http_req_duration{name:login}": ["p(95)<300"] (also http_req_failed{name:…}, http_reqs{name:…}).',
      ),
  );

export const DEFAULT_LIMITS = { maxRatePerSec: 5_000, maxDuration: '2h' };

export const DEFAULT_ALLOWLIST = ['127.0.0.0/8', '::1', 'localhost'];

/** HTTP health probes sampled during the run (also what a health check's probe reads when `health` is absent). */
export const healthSchema = z.strictObject({
  interval: durationSchema.prefault('1s').describe('How often each probe is sampled.'),
  timeout: durationSchema.prefault('3s').describe('A probe without an answer after this long failed.'),
  paths: z
    .strictObject({
      live: originPathSchema.default('/health/live').describe('The liveness path (probe "live").'),
      ready: originPathSchema.default('/health/ready').describe('The readiness path (probe "ready").'),
      startup: originPathSchema.default('/health/startup').describe('The startup path (probe "startup").'),
    })
    .default({ live: '/health/live', ready: '/health/ready', startup: '/health/startup' })
    .describe('Paths of the three standard probes on the target.'),
  /**
   * Named probes of their own: a path on the target or a URL (allowlisted like every address), the
   * statuses that count as healthy (default 200–399), and a text the body must contain.
   */
  probes: z
    .record(
      z.string().regex(/^[a-zA-Z][\w-]*$/, { error: 'is not a probe name (letters, digits, - and _)' }),
      z.strictObject({
        url: z
          .string()
          .refine(
            (text) =>
              text.startsWith('/') ? /^\/(?![/\\])/.test(text) : /^http:\/\//.test(text) && URL.canParse(text),
            { error: 'is neither a path on the target ("/health/db") nor an http:// URL' },
          )
          .describe('A path on the target ("/health/db") or an http:// URL (allowlisted).'),
        status: z
          .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)])
          .optional()
          .describe('The status (or statuses) that count as healthy (default: 200–399).'),
        body: z.string().min(1).optional().describe('Text the body must contain to count as healthy.'),
      }),
    )
    .default({})
    .describe('Named probes of your own, checked by health checks with probe: "<name>".'),
});

/** A process a fault may act on (issue 31): one named way, checked against the rules before any load. */
const processSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('The name faults use (e.g. "ledger-primary").'),
  pidFile: z
    .string()
    .min(1)
    .optional()
    .describe('A file holding its pid (its supervisor writes it; read again at each fault).'),
  match: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('A regular expression its command line matches; exactly one running process of your user must match.'),
});

/** A container a fault may act on (issue 31): by its name or id, or by a label exactly one container carries. */
const containerSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('The name faults use (e.g. "ledger").'),
  container: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Its Docker name or id (looked up again at each fault: a re-created container is found by name).'),
  label: z
    .string()
    .regex(/^[^=\s]+(=[^\s]*)?$/, { error: 'is not a label filter (use "key" or "key=value")' })
    .max(500)
    .optional()
    .describe('A label filter ("key=value" or "key"); exactly one container on the engine must carry it.'),
});

const scenarioFields = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: 'is not a scenario name (use letters, digits, ".", "_" or "-")',
    })
    .describe("The scenario's name: report folders, the run index and trends group runs by it."),
  $schema: z
    .string()
    .optional()
    .describe('The JSON Schema this file follows, for editors (e.g. "./ordeal.schema.json"); ignored by ordeal.'),
  description: z.string().optional().describe('What the scenario is for, shown in the plan and the report.'),
  stack: z
    .strictObject({
      kind: z
        .literal('bundled')
        .describe(
          '"bundled": the demo trading stack that ships with ordeal (for trying ordeal out and for its tests).',
        ),
      breaker: z
        .boolean()
        .default(true)
        .describe("Whether the bundled gateway's circuit breaker is on (false: a broken stack, to see checks FAIL)."),
      failover: z
        .boolean()
        .default(true)
        .describe('Whether the bundled ledger fails over to its replica (false: a broken stack).'),
    })
    .optional()
    .describe('Start the bundled demo stack and run against it. Leave out to test your own service (target.baseUrl).'),
  target: z
    .strictObject({
      baseUrl: z
        .string()
        .optional()
        .describe(
          'Your service\'s origin, e.g. "http://127.0.0.1:8080". Required without a bundled stack; must be in the allowlist.',
        ),
      allowlist: z
        .array(z.string().min(1))
        .min(1)
        .default(DEFAULT_ALLOWLIST)
        .describe(
          'Addresses ordeal may send to (CIDRs, IPs, "localhost"). Loopback only: anything else is refused, whatever is listed.',
        ),
    })
    .default({ allowlist: DEFAULT_ALLOWLIST })
    .describe('The system under test.'),
  toxiproxy: z
    .strictObject({
      url: z
        .string()
        .optional()
        .describe('An existing Toxiproxy API to use (e.g. "http://127.0.0.1:8474"); absent: ordeal starts its own.'),
      proxies: z
        .array(
          z.strictObject({
            name: z.string().min(1).describe("The proxy's name: faults refer to it."),
            listen: z
              .string()
              .min(1)
              .describe('Where the proxy listens (e.g. "127.0.0.1:26379"): point your service at this address.'),
            upstream: z.string().min(1).describe('The real dependency (e.g. "127.0.0.1:6379").'),
          }),
        )
        .prefault([])
        .describe('Proxies to create between your service and its dependencies (removed after the run).'),
    })
    .optional()
    .describe('Where faults are injected: Toxiproxy between your service and its dependencies.'),
  processes: z
    .array(processSchema)
    .max(64)
    .prefault([])
    .describe(
      "Processes a pause or kill fault may act on, each named by a pid file or a command-line match: only these, only your own user's, never pid 1 or ordeal itself.",
    ),
  containers: z
    .array(containerSchema)
    .max(64)
    .prefault([])
    .describe(
      'Containers a container_* fault may act on, through the Docker Engine API (DOCKER_HOST or /var/run/docker.sock; a TCP engine only on loopback): only these, never the container ordeal runs in.',
    ),
  load: z
    .strictObject({
      driver: z
        .enum(['ordeal', 'autocannon', 'k6'])
        .default('ordeal')
        .describe(
          '"ordeal" (worker threads, open or closed model), "autocannon" (in-process) or "k6" (the k6 binary as a child process).',
        ),
      /** "open": arrivals at a rate, latency from the intended send time. "closed": virtual users. */
      model: z
        .enum(['open', 'closed'])
        .default('open')
        .describe(
          '"open": arrivals at a rate, latency measured from the intended send time (no coordinated omission). "closed": virtual users.',
        ),
      workers: z.int().min(1).max(64).optional().describe('Load worker threads (default: from the CPU count).'),
      maxInFlight: z
        .int()
        .min(1)
        .max(100_000)
        .default(2_000)
        .describe('Open model: at most this many requests outstanding; arrivals beyond it are counted as dropped.'),
      connections: z
        .int()
        .min(1)
        .max(10_000)
        .default(100)
        .describe('Closed model: virtual users when a phase gives no vus; autocannon: connections.'),
      timeout: durationSchema
        .prefault('5s')
        .describe('A request without a response after this long counts as a timeout error.'),
      /** A response body a flow step captures from is kept up to this many bytes; a larger one fails the step (error kind capture) and is read and dropped. */
      maxCaptureBytes: z
        .int()
        .min(1_024)
        .max(1_073_741_824)
        .default(16_777_216)
        .describe(
          'A response body a flow step captures from is kept up to this many bytes (default 16 MiB); a larger one fails the step (error kind capture), read and dropped, never kept.',
        ),
      /**
       * Before the first phase, untimed requests at its rate for this long (never recorded, never during a
       * fault), so the generator's own start-up is not charged to the service; false: none.
       */
      warmup: z
        .union([durationSchema, z.literal(false)])
        .prefault('1s')
        .describe(
          'Untimed requests before the first phase for this long (never recorded, never during a fault); false: none.',
        ),
      /** Open model: a phase whose p99 send lag exceeds this had a generator that could not keep up; its load checks are inconclusive. */
      maxSendLag: durationSchema
        .prefault('10ms')
        .describe(
          'Open model: a phase whose p99 send lag exceeds this ran on a busy host, and the report says so once; latencies are judged with the lag as an error bar either way.',
        ),
    })
    .prefault({})
    .describe('How load is generated.'),
  /** Shorthand for load.driver (k6 users write engine: "k6"). */
  engine: z
    .enum(['ordeal', 'autocannon', 'k6'])
    .optional()
    .describe('Shorthand for load.driver (k6 users write engine: "k6").'),
  requests: z
    .array(requestSchema)
    .prefault([])
    .describe('The requests load is made of, picked by weight (with flows, if any).'),
  flows: z
    .array(flowSchema)
    .prefault([])
    .describe(
      "Multi-step flows (log in → order → poll its status): an arrival (open model) or a virtual user's turn (closed model) runs one iteration of one flow, picked by weight.",
    ),
  setup: z
    .strictObject({
      steps: z
        .array(stepSchema)
        .min(1)
        .describe('Requests run once, in order, before the first phase (not counted in any phase).'),
    })
    .optional()
    .describe(
      "Like k6's setup(): e.g. obtain a token once; its captures are visible to every iteration as {{ name }}.",
    ),
  data: dataSchema.optional(),
  env: envSchema.optional(),
  notify: notifySchema,
  errorBudget: z
    .strictObject({
      objective: z
        .number()
        .gt(0)
        .lt(1)
        .describe('The share of requests that must succeed over the period (0.999: the budget is 0.1 % of them).'),
      period: durationSchema.prefault('24h').describe('The period the budget is for (a launch watch: 24h).'),
    })
    .optional()
    .describe(
      'An error budget: the share of it the run and each phase burned, their burn rates and the multi-window burn alerts the run would raise (SRE workbook), in the report, the summary and the index. Information, not a check.',
    ),
  report: z
    .strictObject({
      checkpointEvery: durationAtLeast(
        1_000,
        'is not a duration of at least 1s (a checkpoint rewrites every report: use e.g. "5m", or "2s" in a test)',
      )
        .prefault('5m')
        .describe(
          'How often `ordeal run` writes the report so far (report.json, report.html, summary.md) into its run folder: a run that dies keeps everything up to its last checkpoint, and `ordeal report <folder>` finishes it as interrupted.',
        ),
    })
    .prefault({})
    .describe('The report while the run goes.'),
  phases: z
    .array(phaseSchema)
    .min(1, { error: 'needs at least one phase (e.g. { name: "peak", duration: "30s", rate: 100 })' })
    .describe('The run, in order: each phase a load level, optionally with faults.'),
  /** Safety limits every run obeys; raise them deliberately. */
  limits: z
    .strictObject({
      maxRatePerSec: z
        .number()
        .positive()
        .default(DEFAULT_LIMITS.maxRatePerSec)
        .describe('No phase may ask for more arrivals per second than this.'),
      maxDuration: durationSchema
        .prefault(DEFAULT_LIMITS.maxDuration)
        .describe('No run may last longer than this (warm-up included).'),
    })
    .prefault({})
    .describe('Safety limits every run obeys; raise them deliberately.'),
  slos: z
    .array(sloSchema)
    .prefault([PUBLISHED_SLO])
    .describe(
      "Latency, error-rate and throughput thresholds, judged per phase (default: the launch plan's published SLO).",
    ),
  checks: z
    .array(checkSchema)
    .prefault([])
    .describe(
      "Checks on the service's own signals: breaker, failover, autoscaling, alert, no-alert, resources, promql, health.",
    ),
  /** Stop conditions: when one trips, load stops, faults are removed and the run ends "aborted". */
  guards: z
    .array(guardSchema)
    .prefault([])
    .describe('Stop conditions: when one trips, load stops, faults are removed and the run ends ABORTED.'),
  /** Where the service's signals are: an existing Prometheus by URL; with the bundled stack ordeal starts one. */
  prometheus: z
    .strictObject({
      url: z
        .string()
        .optional()
        .describe('The Prometheus HTTP API, e.g. "http://127.0.0.1:9090" (allowlisted like every address).'),
    })
    .optional()
    .describe("Where the service's signals are: an existing Prometheus (the bundled stack starts its own)."),
  /** Direct scrapes of the target's /metrics (for checks with source: "scrape"). */
  scrape: z
    .strictObject({
      url: z.string().optional().describe("The metrics page to scrape (default: the target's /metrics)."),
      interval: durationSchema.prefault('1s').describe('How often to scrape.'),
    })
    .prefault({})
    .describe('Direct scrapes of the service\'s Prometheus text page (for checks with source: "scrape").'),
  /**
   * Before the first phase: wait (bounded) until the service is ready — a path on the target answering
   * 2xx/3xx, and/or PromQL whose every series is > 0 — outside the verdict. Not ready in time: exit 3, nothing sent.
   */
  readiness: z
    .strictObject({
      path: originPathSchema
        .optional()
        .describe('A path on the target that must answer 2xx/3xx (e.g. "/actuator/health/readiness").'),
      promql: z
        .string()
        .min(1)
        .optional()
        .describe('PromQL whose every series must be > 0 (e.g. \'min(up{job="payments"})\').'),
      timeout: durationSchema.prefault('60s').describe('Give up (exit 3, nothing sent) after this long.'),
      interval: durationSchema.prefault('1s').describe('How often to ask.'),
    })
    .refine((gate) => gate.path !== undefined || gate.promql !== undefined, {
      error:
        'needs a path (e.g. "/actuator/health/readiness") or a promql condition (e.g. \'min(up{job="payments"})\')',
    })
    .optional()
    .describe('Before the first phase, wait (bounded) until the service is ready; outside the verdict.'),
  /** HTTP health probes sampled during the run. */
  health: healthSchema
    .optional()
    .describe('HTTP health probes sampled during the run (read by health checks and shown on the timeline).'),
});

/** A scenario: its fields, then what relates them (refineScenario), then the defaults a bundled stack supplies. */
export const scenarioSchema = scenarioFields.superRefine(refineScenario).transform((scenario) => ({
  ...scenario,
  ...(scenario.engine ? { load: { ...scenario.load, driver: scenario.engine } } : {}),
}));

type ScenarioFields = z.output<typeof scenarioFields>;

/** What relates the fields: each issue names its field, the value and the fix. */
function refineScenario(scenario: ScenarioFields, ctx: z.RefinementCtx): void {
  refineEngine(scenario, ctx);
  const phaseNames = refinePhases(scenario, ctx);
  refineChecks(scenario, ctx, phaseNames);
  refineGuards(scenario, ctx, phaseNames);
  refineSlos(scenario, ctx, phaseNames);
  refineProcessFaults(scenario, ctx);
  refineContainerFaults(scenario, ctx);
}

/** Every container_* fault names a declared container, and each container is named one way. */
function refineContainerFaults(scenario: ScenarioFields, ctx: z.RefinementCtx): void {
  const declared = scenario.containers.map((c) => c.name);
  scenario.containers.forEach((c, index) => {
    if ((c.container === undefined) === (c.label === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['containers', index],
        input: c,
        message: 'needs exactly one of container (its name or id) or label (a label exactly one container carries)',
      });
    if (declared.indexOf(c.name) !== index)
      ctx.addIssue({
        code: 'custom',
        path: ['containers', index, 'name'],
        input: c.name,
        message: 'is declared twice',
      });
  });
  scenario.phases.forEach((phase, phaseIndex) =>
    (phase.faults ?? []).forEach((fault, faultIndex) => {
      if ('container' in fault && !declared.includes(fault.container))
        ctx.addIssue({
          code: 'custom',
          path: ['phases', phaseIndex, 'faults', faultIndex, 'container'],
          input: fault.container,
          message: `is not declared in containers (declared: ${declared.join(', ') || 'none'}); add { name: "${fault.container}", container: "<its docker name>" } or { name, label: "key=value" }`,
        });
    }),
  );
}

/** Every pause or kill names a declared process, and each process is named one way. */
function refineProcessFaults(scenario: ScenarioFields, ctx: z.RefinementCtx): void {
  const declared = scenario.processes.map((p) => p.name);
  scenario.processes.forEach((p, index) => {
    if ((p.pidFile === undefined) === (p.match === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['processes', index],
        input: p,
        message: 'needs exactly one of pidFile (a file holding its pid) or match (a pattern its command line matches)',
      });
    if (declared.indexOf(p.name) !== index)
      ctx.addIssue({ code: 'custom', path: ['processes', index, 'name'], input: p.name, message: 'is declared twice' });
  });
  scenario.phases.forEach((phase, phaseIndex) =>
    (phase.faults ?? []).forEach((fault, faultIndex) => {
      const stressor = fault.kind === 'cpu_stress' || fault.kind === 'memory_stress';
      if (
        stressor &&
        ((fault.cgroup && fault.process === undefined) ||
          (fault.kind === 'memory_stress' && !fault.cgroup && fault.process))
      )
        ctx.addIssue({
          code: 'custom',
          path: ['phases', phaseIndex, 'faults', faultIndex, fault.cgroup ? 'process' : 'cgroup'],
          input: fault.cgroup ? fault.process : fault.cgroup,
          message: fault.cgroup
            ? 'is required by cgroup: true (the process whose cgroups the stressor joins)'
            : 'is not set: a memory_stress names a process only to join its cgroups (add cgroup: true, or drop process)',
        });
      // A running process's clock cannot be changed from outside: only one ordeal starts (under libfaketime).
      if (fault.kind === 'clock_skew' && (!scenario.stack || declared.includes(fault.process)))
        ctx.addIssue({
          code: 'custom',
          path: ['phases', phaseIndex, 'faults', faultIndex, 'process'],
          input: fault.process,
          message: `is not a process ordeal starts: clock_skew acts on the bundled stack's services (stack: { kind: "bundled" }), started under libfaketime; a running process's clock cannot be changed from outside (start yours under libfaketime with FAKETIME_TIMESTAMP_FILE and write its offset yourself)`,
        });
      // The bundled stack's own services are named without a declaration (checked against what it starts).
      else if (
        'process' in fault &&
        fault.process !== undefined &&
        !declared.includes(fault.process) &&
        !scenario.stack
      )
        ctx.addIssue({
          code: 'custom',
          path: ['phases', phaseIndex, 'faults', faultIndex, 'process'],
          input: fault.process,
          message: `is not declared in processes (declared: ${declared.join(', ') || 'none'}); add { name: "${fault.process}", pidFile: "…" } or { name, match: "…" }`,
        });
    }),
  );
}

/** The driver, the traffic and the target: what the chosen engine can run, and where. */
function refineEngine(scenario: ScenarioFields, ctx: z.RefinementCtx): void {
  const flowFeatures = usesFlowFeatures(scenario);
  const driver = scenario.engine ?? scenario.load.driver;
  if (flowFeatures && driver !== 'ordeal') {
    ctx.addIssue({
      code: 'custom',
      path: ['load', 'driver'],
      input: driver,
      message: 'cannot run flows, setup, data, templates or expectations (use driver: "ordeal")',
    });
  }
  if (scenario.requests.length === 0 && scenario.flows.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['requests'],
      input: undefined,
      message: 'needs at least one request (e.g. { path: "/" }), or give flows',
    });
  }
  if (scenario.engine !== undefined && scenario.load.driver !== 'ordeal' && scenario.load.driver !== scenario.engine) {
    ctx.addIssue({
      code: 'custom',
      path: ['engine'],
      input: scenario.engine,
      message: `contradicts load.driver "${scenario.load.driver}" (give one of them)`,
    });
  }
  if (scenario.load.driver === 'autocannon' && scenario.load.model === 'closed') {
    ctx.addIssue({
      code: 'custom',
      path: ['load', 'model'],
      input: 'closed',
      message:
        'is not offered by the autocannon driver here (it drives rates; use driver: "ordeal" for the closed model)',
    });
  }
  if (!scenario.stack && !scenario.target.baseUrl) {
    ctx.addIssue({
      code: 'custom',
      path: ['target', 'baseUrl'],
      input: scenario.target.baseUrl,
      message:
        'is required when no bundled stack is used (set target.baseUrl: "http://127.0.0.1:8080", or stack: { kind: "bundled" })',
    });
  }
}

/** Phases: rates within limits, the whole run within limits.maxDuration, rate or vus by model, unique names (returned). */
function refinePhases(scenario: ScenarioFields, ctx: z.RefinementCtx): Set<string> {
  const phaseNames = new Set<string>();
  const closed = scenario.load.model === 'closed';
  let totalMs = 0;
  // What will run: every phase lasts at least a second (as the timeline has it), and the warm-up comes first.
  totalMs += scenario.load.warmup === false ? 0 : scenario.load.warmup.ms;
  scenario.phases.forEach((phase, index) => {
    totalMs += effectivePhaseMs(phase.duration.ms);
    const peak =
      phase.rate === undefined
        ? 0
        : typeof phase.rate === 'number'
          ? phase.rate
          : Math.max(phase.rate.from, phase.rate.to);
    if (peak > scenario.limits.maxRatePerSec) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', index, 'rate'],
        input: phase.rate,
        message: `exceeds limits.maxRatePerSec (${scenario.limits.maxRatePerSec} req/s; raise it deliberately if you mean it)`,
      });
    }
  });
  const maxDurationMs = scenario.limits.maxDuration.ms;
  if (totalMs > maxDurationMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['phases'],
      input: undefined,
      message: `would run for ${formatDurationMs(totalMs)} (each phase lasts at least 1s, warm-up included), more than limits.maxDuration (${scenario.limits.maxDuration}; raise it deliberately if you mean it)`,
    });
  }
  scenario.phases.forEach((phase, index) => {
    if (!closed && phase.rate === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', index, 'rate'],
        input: undefined,
        message: 'is required in the open model (use e.g. rate: 100, or a ramp { from: 50, to: 200 })',
      });
    }
    if (closed && phase.rate !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', index, 'rate'],
        input: phase.rate,
        message: 'applies to the open model only (set load.model: "open", or give the phase vus: 50)',
      });
    }
    if (!closed && phase.vus !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', index, 'vus'],
        input: phase.vus,
        message: 'applies to the closed model only (set load.model: "closed", or give the phase a rate)',
      });
    }
    if (phaseNames.has(phase.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', index, 'name'],
        input: phase.name,
        message: 'is used by an earlier phase (phase names must be unique)',
      });
    }
    phaseNames.add(phase.name);
  });
  return phaseNames;
}

/** Checks: what each reads (no silent demo defaults), probes and phases they name, one way to read a breaker. */
function refineChecks(scenario: ScenarioFields, ctx: z.RefinementCtx, phaseNames: ReadonlySet<string>): void {
  scenario.checks.forEach((check, checkIndex) => {
    // No silent demo defaults: on your own service a check says what it reads.
    const missing = scenario.stack ? undefined : missingRead(check);
    if (missing)
      ctx.addIssue({
        code: 'custom',
        path: ['checks', checkIndex, missing.field],
        input: undefined,
        message: missing.message,
      });
    for (const issue of checkIssues(check, checkScene(scenario)))
      ctx.addIssue({
        code: 'custom',
        path: ['checks', checkIndex, ...issue.path],
        input: issue.input,
        message: issue.message,
      });
    for (const name of phasesNamedBy(check)) {
      if (!phaseNames.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', checkIndex],
          input: name,
          message: `names no phase (phases are: ${[...phaseNames].join(', ')})`,
        });
      }
    }
  });
}

/** Guards: the phases they name, a Prometheus for a promql guard, and for checks on signals. */
function refineGuards(scenario: ScenarioFields, ctx: z.RefinementCtx, phaseNames: ReadonlySet<string>): void {
  scenario.guards.forEach((guard, guardIndex) => {
    guard.phases?.forEach((name, index) => {
      if (!phaseNames.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['guards', guardIndex, 'phases', index],
          input: name,
          message: `names no phase (phases are: ${[...phaseNames].join(', ')})`,
        });
      }
    });
    if (guard.promql !== undefined && !scenario.stack && !scenario.prometheus?.url) {
      ctx.addIssue({
        code: 'custom',
        path: ['guards', guardIndex, 'promql'],
        input: guard.promql,
        message: 'needs a Prometheus (set prometheus.url: "http://127.0.0.1:9090", or use stack: { kind: "bundled" })',
      });
    }
  });
  if (scenario.checks.some(needsPrometheus) && !scenario.stack && !scenario.prometheus?.url) {
    ctx.addIssue({
      code: 'custom',
      path: ['prometheus', 'url'],
      input: undefined,
      message:
        'is required by the checks on the service\'s signals (set prometheus.url: "http://127.0.0.1:9090", or use stack: { kind: "bundled" })',
    });
  }
}

/** SLOs: the phases and steps they name, and thresholds each metric can hold. */
function refineSlos(scenario: ScenarioFields, ctx: z.RefinementCtx, phaseNames: ReadonlySet<string>): void {
  const trafficNames = new Set([
    ...scenario.requests.filter((r) => r.name).map((r) => r.name!),
    ...scenario.flows.flatMap((f) => [f.name, ...f.steps.map((s) => s.name)]),
  ]);
  scenario.slos.forEach((slo, sloIndex) => {
    slo.phases?.forEach((name, index) => {
      if (name !== '*' && !phaseNames.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['slos', sloIndex, 'phases', index],
          input: name,
          message: `names no phase (phases are: ${[...phaseNames].join(', ')})`,
        });
      }
    });
    const { entries, unknown } = sloEntries(slo);
    for (const key of unknown) {
      ctx.addIssue({
        code: 'custom',
        path: ['slos', sloIndex, key],
        input: key,
        message:
          'is not an SLO metric (use http_req_duration, http_req_failed, http_reqs, or one step\'s: "http_req_duration{name:login}")',
      });
    }
    for (const { key, metric, step, sources } of entries) {
      const value = (slo as Record<string, unknown>)[key];
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
        ctx.addIssue({
          code: 'custom',
          path: ['slos', sloIndex, key],
          input: value,
          message: 'is not a list of thresholds (use e.g. ["p(95)<300"])',
        });
        continue;
      }
      if (step !== undefined && !trafficNames.has(step)) {
        ctx.addIssue({
          code: 'custom',
          path: ['slos', sloIndex, key],
          input: step,
          message: `names no step, flow or named request (names are: ${[...trafficNames].join(', ') || 'none'})`,
        });
      }
      if (step !== undefined && slo.after !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['slos', sloIndex, 'after'],
          input: slo.after,
          message: `applies to whole-phase thresholds only (move ${key} to an SLO entry without after)`,
        });
      }
      sources.forEach((source, index) => {
        const threshold = parseThreshold(source);
        const allowed: readonly string[] = METRIC_AGGREGATIONS[metric];
        if (
          !threshold ||
          !allowed.includes(threshold.aggregation.kind) ||
          (step !== undefined && threshold.aggregation.kind === 'ratio')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['slos', sloIndex, key, index],
            input: source,
            message: `is not a threshold for ${key} (${THRESHOLD_EXAMPLES[metric]}${step !== undefined ? '; ratio applies to whole phases' : ''})`,
          });
        }
      });
    }
  });
}

const THRESHOLD_EXAMPLES: Record<SloMetric, string> = {
  http_req_duration: 'use e.g. "p(95)<500", "p(99)<1000", "avg<200", "max<2000"; values in ms',
  http_req_failed: 'use e.g. "rate<0.01"',
  http_reqs: 'use e.g. "rate>=100" (req/s), "count>1000" or "ratio>=0.95" (achieved/target rate)',
};

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Phase = Scenario['phases'][number];
export type RequestSpec = Scenario['requests'][number];
export type Slo = Scenario['slos'][number];
