import type { z } from 'zod';
import type { CheckResult } from './check-result.ts';
import type { RecordedSignals, TimePoint } from './recorded-signals.ts';
import type { ResilienceContext } from './resilience-context.ts';
import type { SeriesRead } from './series-reads.ts';

/** The schema of a check kind: a strict object with a literal `kind`. */
export type CheckSchema = z.ZodType<{ kind: string }>;

/** A field a check on your own service must give when it gives none: which, and what to write (with an example). */
export interface MissingRead {
  field: string;
  message: string;
}

/** A rule across a check's fields, or between the check and the scenario, that the schema alone cannot say. */
export interface CheckIssue {
  /** Under the check: ['probe'], or [] for the check as a whole. */
  path: (string | number)[];
  input: unknown;
  message: string;
}

/** What a check kind may know of the scenario around it, for its rules and its plan line. */
export interface CheckScene {
  /** Every probe a health check may name: live, ready, startup and the scenario's health.probes. */
  probes: readonly string[];
  /** What a probe does, as plan says it: 'GET /health/ready answers 2xx/3xx'. */
  describeProbe(probe: string): string;
  /** The processes a phase's kill faults name (a restart check times one of them). */
  killsIn(phase: string): readonly string[];
}

/**
 * One kind of resilience check, whole: its scenario fields (the schema), what it reads and where, what it
 * requires on your own service, how `plan` says it, the unit of what it observes, and how it is judged. A new
 * kind is one such object in one file, plus one line in check-registry.ts (or `registerCheckKind` at run time).
 */
export interface CheckKind<S extends CheckSchema = CheckSchema, C extends { kind: string } = z.output<S>> {
  readonly kind: C['kind'];
  /** Its fields: a strict object whose `kind` is the literal above (its defaults written here, once). */
  readonly schema: S;
  /** Where its evidence comes from: PromQL on Prometheus (and its alerts), a scrape of /metrics, health probes, or only the load ordeal recorded. */
  source(check: C): 'prometheus' | 'scrape' | 'health' | 'load';
  /** Every series it reads over the run (none for alerts and health probes, which have their own sources). */
  reads(check: C): SeriesRead[];
  /** On your own service (no bundled stack), what it must name that it does not. */
  missingRead?(check: C): MissingRead | undefined;
  /** Rules the schema cannot say (two ways of reading the same thing, a probe the scenario lacks). */
  issues?(check: C, scene: CheckScene): CheckIssue[];
  /** The alert it looks for, as written (for plan's lookups): a name with optional label matchers. */
  alertSelector?(check: C): string | undefined;
  /** The health probe it judges (for the probes the run starts). */
  probe?(check: C): string;
  /** How `plan` says it, one line: "replicas >= 4 within 30s". */
  describe(check: C, scene: CheckScene): string;
  /** The unit of an observed value, from its result's expected text ("s" for "within …"); none: a plain number. */
  observedUnit?(expected: string): string | undefined;
  /** The series the report charts for it, when not simply its reads (each read's `chart`): e.g. a breaker's state as 0/1/2. */
  chart?(check: C, signals: RecordedSignals): { key: string; name: string; unit: string; points: TimePoint[] }[];
  /** Judged on the run's records: one result or several (e.g. opens, closes). */
  evaluate(check: C, context: ResilienceContext): CheckResult[];
}

/** A kind, its checks typed from its schema. */
export function defineCheckKind<S extends CheckSchema>(kind: CheckKind<S>): CheckKind<S> {
  return kind;
}
