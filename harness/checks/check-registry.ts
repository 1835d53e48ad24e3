import { z } from 'zod';
import { alertKind, noAlertKind } from './alert-check.ts';
import { autoscalingKind } from './autoscaling-check.ts';
import { breakerKind } from './breaker-check.ts';
import { driftKind } from './drift-check.ts';
import type { CheckIssue, CheckKind, CheckScene, MissingRead } from './check-kind.ts';
import type { CheckResult } from './check-result.ts';
import { failoverKind } from './failover-check.ts';
import { healthKind } from './health-check.ts';
import { promqlKind } from './promql-check.ts';
import type { ResilienceContext } from './resilience-context.ts';
import { resourcesKind } from './resources-check.ts';
import { restartKind } from './restart-check.ts';
import type { SeriesRead } from './series-reads.ts';

/** The kinds ordeal knows, one line each (the kind's file holds everything else about it). */
const BUILT_IN = [
  breakerKind,
  failoverKind,
  autoscalingKind,
  alertKind,
  noAlertKind,
  resourcesKind,
  promqlKind,
  healthKind,
  driftKind,
  restartKind,
] as const;

type BuiltIn = (typeof BUILT_IN)[number];
/** A resilience check as the scenario gives it, validated (defaults filled in). */
export type ResilienceCheck = z.output<BuiltIn['schema']>;
export type ResilienceCheckKind = ResilienceCheck['kind'];
/** A check as written in a scenario, before defaults. */
export type CheckInput = z.input<BuiltIn['schema']>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind is typed by its own check; the registry holds them side by side
type AnyKind = CheckKind<any>;
const kinds = new Map<string, AnyKind>(BUILT_IN.map((kind) => [kind.kind, kind]));
let union: z.ZodType | undefined;

/**
 * Adds a kind of check (an extension, or a test's toy kind): from then on scenarios may use it, plan describes
 * it, runs judge it and reports show it. Kinds are registered at start-up, before the first scenario is
 * validated (the scenario schema is built once, then); a late registration, or a name already taken, is refused.
 */
export function registerCheckKind(kind: AnyKind): void {
  if (kinds.has(kind.kind)) throw new Error(`a check kind named "${kind.kind}" is already registered`);
  if (union)
    throw new Error(
      `check kind "${kind.kind}" is registered too late: register check kinds before the first scenario is validated`,
    );
  kinds.set(kind.kind, kind);
}

/** The scenario's `checks[]` items: one of the registered kinds, told apart by `kind`. */
export const checkSchema = z.lazy(
  () =>
    (union ??= z.discriminatedUnion(
      'kind',
      [...kinds.values()].map((kind) => kind.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
    )),
) as unknown as z.ZodType<ResilienceCheck, CheckInput>;

/** The kind of a validated check. */
export function kindOf(check: { kind: string }): AnyKind {
  const kind = kinds.get(check.kind);
  if (!kind) throw new Error(`no check kind named "${check.kind}" is registered`);
  return kind;
}

/** The kind a result's metric names, if it is a check kind (an SLO metric is not). */
export const kindNamed = (name: string): AnyKind | undefined => kinds.get(name);

/** Every series a check reads over the run. */
export const readsOf = (check: { kind: string }): SeriesRead[] => kindOf(check).reads(check);

/** What a check on your own service must name and does not. */
export const missingRead = (check: { kind: string }): MissingRead | undefined => kindOf(check).missingRead?.(check);

/** Rules the schema cannot say, for a check in its scenario. */
export const checkIssues = (check: { kind: string }, scene: CheckScene): CheckIssue[] =>
  kindOf(check).issues?.(check, scene) ?? [];

/** How plan says a check. */
export const describeCheck = (check: { kind: string }, scene: CheckScene): string =>
  kindOf(check).describe(check, scene);

/** A check judged on the run's records. */
export const evaluateResilienceCheck = (check: { kind: string }, context: ResilienceContext): CheckResult[] =>
  kindOf(check).evaluate(check, context);

/** The alert a check looks for (alert and no-alert checks), as written. */
export const alertSelectorOf = (check: { kind: string }): string | undefined => kindOf(check).alertSelector?.(check);

/** The health probe a check judges, if it judges one. */
export const probeOf = (check: { kind: string }): string | undefined => kindOf(check).probe?.(check);

/** The phases a check names, for validation against the timeline (none: every phase). */
export function phasesNamedBy(check: object): string[] {
  const named = check as { phase?: string; phases?: string[]; allowedPhases?: string[] };
  if (named.phases) return [...named.phases, ...(named.allowedPhases ?? [])];
  return named.phase ? [named.phase] : [];
}

/** Whether a check reads Prometheus (its series or its alerts): all but health probes and direct scrapes. */
export const needsPrometheus = (check: { kind: string }): boolean => kindOf(check).source(check) === 'prometheus';

/** The PromQL a set of checks needs over the run. */
export function queriesFor(checks: readonly { kind: string }[]): string[] {
  return [
    ...new Set(
      checks
        .flatMap(readsOf)
        .filter((r) => r.source === 'prometheus')
        .map((r) => r.text),
    ),
  ];
}

/** The metric selectors a set of checks reads from a direct /metrics scrape. */
export function scrapeSelectorsFor(checks: readonly { kind: string }[]): string[] {
  return [
    ...new Set(
      checks
        .flatMap(readsOf)
        .filter((r) => r.source === 'scrape')
        .map((r) => r.text),
    ),
  ];
}
