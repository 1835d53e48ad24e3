import { guardSchema } from './guard-schema.ts';
import { z } from 'zod';
import { effectivePhaseMs, formatDurationMs, parseDurationMs } from './duration.ts';
import { checkSchema, needsPrometheus, phasesNamedBy } from './check-schema.ts';
import { missingRead } from './check-reads.ts';
import { withBundledReads } from '../providers/bundled-stack/bundled-check-reads.ts';
import { faultSchema } from './fault-schema.ts';
import { PUBLISHED_SLO } from './published-targets.ts';
import { parseThreshold, type Aggregation } from './threshold.ts';

export const DURATION_HINT = 'is not a duration (use "500ms", "30s", "2m" or "1m30s")';

const durationSchema = z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, { error: DURATION_HINT });

const rateSchema = z.union([
  z.number().positive().max(1_000_000),
  z.strictObject({ from: z.number().min(0).max(1_000_000), to: z.number().min(0).max(1_000_000) }),
]);

const phaseSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'is not a phase name (use letters, digits, ".", "_" or "-", e.g. "peak")',
  }),
  duration: durationSchema,
  /** Open model: arrivals per second (or a ramp). */
  rate: rateSchema.optional(),
  /** Closed model: virtual users (connections), each sending again as soon as its response arrives. */
  vus: z.int().min(1).max(10_000).optional(),
  faults: z.array(faultSchema).default([]),
});

/** A request target: a path on the target's origin, with nothing that would end the request line. */
const requestPathSchema = z
  .string()
  .startsWith('/', { error: 'must start with "/" (e.g. "/api/quotes/ACME")' })
  .regex(/^[^\s\x00-\x1f\x7f]*$/, { error: 'contains a space, line break or control character (percent-encode it, e.g. %20)' });

/** A path on the target's own origin: "//host/…" or "\\host" would lead elsewhere. */
const originPathSchema = requestPathSchema.regex(/^\/(?![\/\\])[^\\]*$/, { error: 'must be a path on the target (e.g. "/health/live"), not another host' });

const requestSchema = z.strictObject({
  name: z.string().min(1).optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  path: requestPathSchema,
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'is not an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)' }),
      z.string().regex(/^[^\r\n\x00]*$/, { error: 'contains a line break or NUL, which would split the request (remove it)' }),
    )
    .optional(),
  weight: z.number().positive().default(1),
});

/** Which aggregations each metric understands (k6 names, so k6 users feel at home). */
export const METRIC_AGGREGATIONS = {
  http_req_duration: ['percentile', 'avg', 'min', 'max', 'med'],
  http_req_failed: ['rate'],
  http_reqs: ['count', 'rate', 'ratio'],
} as const satisfies Record<string, readonly Aggregation['kind'][]>;
export type SloMetric = keyof typeof METRIC_AGGREGATIONS;

const thresholdListSchema = z.array(z.string()).optional();

const sloSchema = z.strictObject({
  phases: z.array(z.string()).optional(),
  /** A grace at each phase's start: judge from start + this (a proxy's detection time, an alert's rate window carried over). */
  after: durationSchema.optional(),
  http_req_duration: thresholdListSchema,
  http_req_failed: thresholdListSchema,
  http_reqs: thresholdListSchema,
});

export const DEFAULT_LIMITS = { maxRatePerSec: 5_000, maxDuration: '2h' };

export const DEFAULT_ALLOWLIST = ['127.0.0.0/8', '::1', 'localhost'];

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: 'is not a scenario name (use letters, digits, ".", "_" or "-")',
    }),
    description: z.string().optional(),
    stack: z
      .strictObject({
        kind: z.literal('bundled'),
        breaker: z.boolean().default(true),
        failover: z.boolean().default(true),
      })
      .optional(),
    target: z
      .strictObject({
        baseUrl: z.string().optional(),
        allowlist: z.array(z.string().min(1)).min(1).default(DEFAULT_ALLOWLIST),
      })
      .default({ allowlist: DEFAULT_ALLOWLIST }),
    toxiproxy: z
      .strictObject({
        url: z.string().optional(),
        proxies: z
          .array(z.strictObject({ name: z.string().min(1), listen: z.string().min(1), upstream: z.string().min(1) }))
          .default([]),
      })
      .optional(),
    load: z
      .strictObject({
        /** "ordeal" (worker threads, open or closed model), "autocannon" (closed model, in-process) or "k6" (the k6 binary as a child process). */
        driver: z.enum(['ordeal', 'autocannon', 'k6']).default('ordeal'),
        /** "open": arrivals at a rate, latency from the intended send time. "closed": virtual users. */
        model: z.enum(['open', 'closed']).default('open'),
        workers: z.int().min(1).max(64).optional(),
        maxInFlight: z.int().min(1).max(100_000).default(2_000),
        connections: z.int().min(1).max(10_000).default(100),
        timeout: durationSchema.default('5s'),
        /**
         * Before the first phase, untimed requests at its rate for this long (never recorded, never during a
         * fault), so the generator's own start-up is not charged to the service; false: none.
         */
        warmup: z.union([durationSchema, z.literal(false)]).default('1s'),
        /** Open model: a phase whose p99 send lag exceeds this had a generator that could not keep up; its load checks are inconclusive. */
        maxSendLag: durationSchema.default('10ms'),
      })
      .default({ driver: 'ordeal', model: 'open', maxInFlight: 2_000, connections: 100, timeout: '5s', warmup: '1s', maxSendLag: '10ms' }),
    /** Shorthand for load.driver (k6 users write engine: "k6"). */
    engine: z.enum(['ordeal', 'autocannon', 'k6']).optional(),
    requests: z.array(requestSchema).min(1, { error: 'needs at least one request (e.g. { path: "/" })' }),
    phases: z.array(phaseSchema).min(1, { error: 'needs at least one phase (e.g. { name: "peak", duration: "30s", rate: 100 })' }),
    /** Safety limits every run obeys; raise them deliberately. */
    limits: z
      .strictObject({
        maxRatePerSec: z.number().positive().default(DEFAULT_LIMITS.maxRatePerSec),
        maxDuration: durationSchema.default(DEFAULT_LIMITS.maxDuration),
      })
      .default(DEFAULT_LIMITS),
    slos: z.array(sloSchema).default([PUBLISHED_SLO]),
    checks: z.array(checkSchema).default([]),
    /** Stop conditions: when one trips, load stops, faults are removed and the run ends "aborted". */
    guards: z.array(guardSchema).default([]),
    /** Where the service's signals are: an existing Prometheus by URL; with the bundled stack ordeal starts one. */
    prometheus: z.strictObject({ url: z.string().optional() }).optional(),
    /** Direct scrapes of the target's /metrics (for checks with source: "scrape"). */
    scrape: z.strictObject({ url: z.string().optional(), interval: durationSchema.default('1s') }).optional(),
    /**
     * Before the first phase: wait (bounded) until the service is ready — a path on the target answering
     * 2xx/3xx, and/or PromQL whose every series is > 0 — outside the verdict. Not ready in time: exit 3, nothing sent.
     */
    readiness: z
      .strictObject({ path: originPathSchema.optional(), promql: z.string().min(1).optional(), timeout: durationSchema.default('60s'), interval: durationSchema.default('1s') })
      .refine((gate) => gate.path !== undefined || gate.promql !== undefined, { error: 'needs a path (e.g. "/actuator/health/readiness") or a promql condition (e.g. \'min(up{job="payments"})\')' })
      .optional(),
    /** HTTP health probes sampled during the run. */
    health: z
      .strictObject({
        interval: durationSchema.default('1s'),
        timeout: durationSchema.default('3s'),
        paths: z
          .strictObject({ live: originPathSchema.default('/health/live'), ready: originPathSchema.default('/health/ready'), startup: originPathSchema.default('/health/startup') })
          .default({ live: '/health/live', ready: '/health/ready', startup: '/health/startup' }),
        /**
         * Named probes of their own: a path on the target or a URL (allowlisted like every address), the
         * statuses that count as healthy (default 200–399), and a text the body must contain.
         */
        probes: z
          .record(
            z.string().regex(/^[a-zA-Z][\w-]*$/, { error: 'is not a probe name (letters, digits, - and _)' }),
            z.strictObject({
              url: z.string().refine((text) => text.startsWith('/') ? /^\/(?![\/\\])/.test(text) : /^http:\/\//.test(text) && URL.canParse(text), { error: 'is neither a path on the target ("/health/db") nor an http:// URL' }),
              status: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional(),
              body: z.string().min(1).optional(),
            }),
          )
          .default({}),
      })
      .optional(),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.engine !== undefined && scenario.load.driver !== 'ordeal' && scenario.load.driver !== scenario.engine) {
      ctx.addIssue({ code: 'custom', path: ['engine'], input: scenario.engine, message: `contradicts load.driver "${scenario.load.driver}" (give one of them)` });
    }
    if (scenario.load.driver === 'autocannon' && scenario.load.model === 'closed') {
      ctx.addIssue({ code: 'custom', path: ['load', 'model'], input: 'closed', message: 'is not offered by the autocannon driver here (it drives rates; use driver: "ordeal" for the closed model)' });
    }
    if (!scenario.stack && !scenario.target.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'baseUrl'],
        input: scenario.target.baseUrl,
        message: 'is required when no bundled stack is used (set target.baseUrl: "http://127.0.0.1:8080", or stack: { kind: "bundled" })',
      });
    }
    const phaseNames = new Set<string>();
    const closed = scenario.load.model === 'closed';
    let totalMs = 0;
    // What will run: every phase lasts at least a second (as the timeline has it), and the warm-up comes first.
    totalMs += scenario.load.warmup === false ? 0 : (parseDurationMs(scenario.load.warmup) ?? 0);
    scenario.phases.forEach((phase, index) => {
      totalMs += effectivePhaseMs(parseDurationMs(phase.duration) ?? 0);
      const peak = phase.rate === undefined ? 0 : typeof phase.rate === 'number' ? phase.rate : Math.max(phase.rate.from, phase.rate.to);
      if (peak > scenario.limits.maxRatePerSec) {
        ctx.addIssue({
          code: 'custom',
          path: ['phases', index, 'rate'],
          input: phase.rate,
          message: `exceeds limits.maxRatePerSec (${scenario.limits.maxRatePerSec} req/s; raise it deliberately if you mean it)`,
        });
      }
    });
    const maxDurationMs = parseDurationMs(scenario.limits.maxDuration) ?? 0;
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
        ctx.addIssue({ code: 'custom', path: ['phases', index, 'rate'], input: undefined, message: 'is required in the open model (use e.g. rate: 100, or a ramp { from: 50, to: 200 })' });
      }
      if (closed && phase.rate !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['phases', index, 'rate'], input: phase.rate, message: 'applies to the open model only (set load.model: "open", or give the phase vus: 50)' });
      }
      if (!closed && phase.vus !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['phases', index, 'vus'], input: phase.vus, message: 'applies to the closed model only (set load.model: "closed", or give the phase a rate)' });
      }
      if (phaseNames.has(phase.name)) {
        ctx.addIssue({ code: 'custom', path: ['phases', index, 'name'], input: phase.name, message: 'is used by an earlier phase (phase names must be unique)' });
      }
      phaseNames.add(phase.name);
    });
    scenario.checks.forEach((check, checkIndex) => {
      // No silent demo defaults: on your own service a check says what it reads.
      const missing = scenario.stack ? undefined : missingRead(check);
      if (missing) ctx.addIssue({ code: 'custom', path: ['checks', checkIndex, missing.field], input: undefined, message: missing.message });
      if (check.kind === 'health') {
        const known = ['live', 'ready', 'startup', ...Object.keys(scenario.health?.probes ?? {})];
        if (!known.includes(check.probe)) ctx.addIssue({ code: 'custom', path: ['checks', checkIndex, 'probe'], input: check.probe, message: `names no probe (probes are: ${known.join(', ')}; add it under health.probes)` });
      }
      if (check.kind === 'breaker') {
        const ways = [check.preset && 'preset', check.states && 'states', (check.query ?? check.metric) && (check.source === 'scrape' ? 'metric' : 'query')].filter(Boolean);
        if (ways.length > 1) ctx.addIssue({ code: 'custom', path: ['checks', checkIndex], input: ways.join(' and '), message: 'are two ways of reading the same breaker (give one: a state number with query/metric, one series per state with states, or a preset)' });
        if (check.values && (check.states || check.preset)) ctx.addIssue({ code: 'custom', path: ['checks', checkIndex, 'values'], input: check.values, message: 'applies to a state number (query or metric), not to one series per state' });
      }
      for (const name of phasesNamedBy(check)) {
        if (!phaseNames.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['checks', checkIndex], input: name, message: `names no phase (phases are: ${[...phaseNames].join(', ')})` });
        }
      }
    });
    scenario.guards.forEach((guard, guardIndex) => {
      guard.phases?.forEach((name, index) => {
        if (!phaseNames.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['guards', guardIndex, 'phases', index], input: name, message: `names no phase (phases are: ${[...phaseNames].join(', ')})` });
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
        message: 'is required by the checks on the service\'s signals (set prometheus.url: "http://127.0.0.1:9090", or use stack: { kind: "bundled" })',
      });
    }
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
      for (const metric of Object.keys(METRIC_AGGREGATIONS) as SloMetric[]) {
        slo[metric]?.forEach((source, index) => {
          const threshold = parseThreshold(source);
          const allowed: readonly string[] = METRIC_AGGREGATIONS[metric];
          if (!threshold || !allowed.includes(threshold.aggregation.kind)) {
            ctx.addIssue({
              code: 'custom',
              path: ['slos', sloIndex, metric, index],
              input: source,
              message: `is not a threshold for ${metric} (${THRESHOLD_EXAMPLES[metric]})`,
            });
          }
        });
      }
    });
  })
  .transform((scenario) => ({
    ...scenario,
    ...(scenario.engine ? { load: { ...scenario.load, driver: scenario.engine } } : {}),
    // The bundled stack's provider knows its metric names; nowhere else are they assumed.
    ...(scenario.stack ? { checks: scenario.checks.map(withBundledReads) } : {}),
  }));

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
