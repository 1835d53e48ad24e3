import { distance } from 'fastest-levenshtein';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { type SeriesRead } from '../checks/series-reads.ts';
import { alertSelectorOf, probeOf, readsOf } from '../checks/check-registry.ts';
import type { ResilienceCheck } from '../checks/check-registry.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { probeSpecs } from './health-prober.ts';
import { parseMetricSelector } from '../notation/metric-selector.ts';
import {
  alertingRules,
  allMetricNames,
  instantQuery,
  labelValuesOf,
  scrapeTargets,
  seriesMatching,
  type AlertingRule,
  type PrometheusEndpoint,
} from './prometheus-api.ts';
import { waitUntil } from '../clock/wait-until.ts';
import { labelsKeptBy, selectorsIn, withoutThreshold, type VectorSelector } from './promql-selectors.ts';

/**
 * What the live system says about the names a scenario uses, looked up once
 * before any load (`plan`, and `run` after its readiness gate): `problems` are
 * the scenario's mistakes (exit 2, nothing sent), `warnings` what may yet be
 * right (a backup's counter that appears on the first failover), `findings`
 * what was found, per check. `notes` carries each warning by check index, so
 * the report can say it beside that check's verdict.
 */
export interface NameLookup {
  problems: string[];
  warnings: string[];
  findings: string[];
  notes: Map<number, string[]>;
}

export interface LookupSources {
  http: GuardedHttp;
  targetUrl: URL;
  prometheus?: PrometheusEndpoint;
}

/** Series a selector matched over this long count as "there now". */
const LOOKBACK_MS = 10 * 60_000;
/** The /metrics page ordeal reads once to look names up (the scraper's own bound). */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** Up to three existing names nearest to `wrong` (an edit or three away), nearest first. */
export function closestNames(wrong: string, existing: readonly string[]): string[] {
  const near = existing
    .map((name) => ({ name, d: distance(wrong, name) }))
    .filter((c) => c.d <= Math.max(3, Math.floor(wrong.length / 4)));
  return near
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((c) => c.name);
}

const didYouMean = (wrong: string, existing: readonly string[]): string => {
  const near = closestNames(wrong, existing);
  return near.length > 0 ? ` (did you mean ${near.map((n) => `\`${n}\``).join(', ')}?)` : '';
};

const checkName = (check: ResilienceCheck, index: number): string =>
  `checks[${index}] (${check.kind}${'breaker' in check && check.breaker ? ` ${check.breaker}` : 'alert' in check && check.alert ? ` ${check.alert}` : 'name' in check ? ` ${check.name}` : ''})`;

/** Why a selector that names an existing metric matches no series: each exact matcher whose value the metric never carries, with the values it does. */
async function whyNoSeries(prometheus: PrometheusEndpoint, selector: VectorSelector): Promise<string> {
  const reasons: string[] = [];
  for (const matcher of selector.matchers.filter((m) => m.op === '=')) {
    const values = await labelValuesOf(prometheus, matcher.label, selector.name!);
    if (values.includes(matcher.value)) continue;
    const shown =
      values.length > 0
        ? `\`${matcher.label}\` has: ${values.slice(0, 12).join(', ')}${values.length > 12 ? ', …' : ''}`
        : `no series of ${selector.name} carries \`${matcher.label}\``;
    reasons.push(`${matcher.label}="${matcher.value}" matches nothing: ${shown}${didYouMean(matcher.value, values)}`);
  }
  if (reasons.length > 0) return `${selector.text}: ${reasons.join('; ')}`;
  return `${selector.text}: no series of ${selector.name} matches all of ${selector.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')} (each matches on its own)`;
}

class Lookup {
  readonly result: NameLookup = { problems: [], warnings: [], findings: [], notes: new Map() };
  private metricNames?: Promise<string[]>;
  private page?: Promise<Map<string, Record<string, string>[]>>;
  private rules?: Promise<AlertingRule[]>;

  constructor(
    private readonly scenario: Scenario,
    private readonly sources: LookupSources,
  ) {}

  private note(index: number, text: string): void {
    this.result.notes.set(index, [...(this.result.notes.get(index) ?? []), text]);
  }

  /** A name that is not there: the scenario's mistake, or (may appear later) a warning noted beside the check. */
  private missing(index: number, where: string, message: string, mayAppearLater: boolean): void {
    if (!mayAppearLater) return void this.result.problems.push(`${where}: ${message}`);
    const text = `${where}: ${message} — it may appear only with the fault (a counter first incremented then); if it never does, the check reads 0`;
    this.result.warnings.push(text);
    this.note(index, `before the run, ${message}`);
  }

  async prometheusRead(index: number, read: SeriesRead, where: string): Promise<void> {
    const prometheus = this.sources.prometheus!;
    this.metricNames ??= allMetricNames(prometheus);
    const names = await this.metricNames;
    for (const selector of selectorsIn(read.text)) {
      if (!selector.name) continue;
      if (!names.includes(selector.name)) {
        // A series that may appear only with the fault may have no metric yet at all — unless a name an edit away exists: a typo.
        const typo = closestNames(selector.name, names).length > 0;
        this.missing(
          index,
          where,
          `no metric named \`${selector.name}\` in Prometheus${didYouMean(selector.name, names)}`,
          read.mayAppearLater && !typo,
        );
        continue;
      }
      const series = await seriesMatching(prometheus, selector.text, LOOKBACK_MS);
      if (series.length > 0) {
        this.result.findings.push(`${where}: ${selector.text}: ${series.length} series now`);
        continue;
      }
      this.missing(index, where, await whyNoSeries(prometheus, selector), read.mayAppearLater);
    }
  }

  async scrapeRead(index: number, read: SeriesRead, where: string): Promise<void> {
    const url = new URL(this.scenario.scrape.url ?? '/metrics', this.sources.targetUrl);
    this.page ??= this.sources.http
      .request(url, { timeoutMs: 3_000, maxBodyBytes: MAX_PAGE_BYTES })
      .then((response) => {
        const families = new Map<string, Record<string, string>[]>();
        for (const family of parsePrometheusTextFormat(response.text()))
          families.set(
            family.name,
            family.metrics.map((m) => (m as { labels?: Record<string, string> }).labels ?? {}),
          );
        return families;
      });
    const families = await this.page.catch((error: Error) => {
      throw new Error(`${url.href} could not be read to look names up: ${error.message}`);
    });
    const selector = parseMetricSelector(read.text);
    if (!selector) return;
    const series = families.get(selector.name);
    if (!series)
      return void this.result.problems.push(
        `${where}: no metric named \`${selector.name}\` on ${url.pathname}${didYouMean(selector.name, [...families.keys()])}`,
      );
    const matching = series.filter((labels) => Object.entries(selector.labels).every(([k, v]) => labels[k] === v));
    if (matching.length > 0)
      return void this.result.findings.push(`${where}: ${read.text}: ${matching.length} series on ${url.pathname}`);
    const [label, value] =
      Object.entries(selector.labels).find(([k, v]) => !series.some((labels) => labels[k] === v)) ??
      Object.entries(selector.labels)[0]!;
    const values = [...new Set(series.map((labels) => labels[label]).filter((v): v is string => v !== undefined))];
    this.missing(
      index,
      where,
      `${label}="${value}" matches nothing on ${url.pathname}: \`${label}\` has: ${values.join(', ') || 'no value'}${didYouMean(value, values)}`,
      read.mayAppearLater,
    );
  }

  /** An alert name must be a loaded rule, and each label matcher a label the alert can carry. */
  async alert(index: number, alert: string, where: string): Promise<void> {
    const prometheus = this.sources.prometheus!;
    this.rules ??= alertingRules(prometheus);
    const rules = await this.rules;
    const selector = parseMetricSelector(alert);
    if (!selector) return;
    const rule = rules.find((r) => r.name === selector.name);
    if (!rule)
      return void this.result.problems.push(
        `${where}: no alerting rule named \`${selector.name}\` is loaded in Prometheus${didYouMean(selector.name, [...new Set(rules.map((r) => r.name))])}`,
      );
    const wanted = Object.keys(selector.labels);
    if (wanted.length === 0)
      return void this.result.findings.push(
        `${where}: alert rule found in group ${rule.group}, labels ${Object.keys(rule.labels).join(', ') || 'none'}`,
      );
    // What an alert can carry: its rule's static labels and the labels its expression returns (evaluated once, its
    // threshold left out), or, when it returns nothing now, what its shape keeps (`max by (server) (…)` keeps server).
    const expression = withoutThreshold(rule.query);
    const returned = await instantQuery(prometheus, expression).catch(() => []);
    const kept =
      returned.length > 0 ? [...new Set(returned.flatMap((s) => Object.keys(s.metric)))] : labelsKeptBy(expression);
    await this.deadRule(index, rule, where);
    if (kept === undefined)
      return void this.result.findings.push(
        `${where}: alert rule found in group ${rule.group}; which labels it carries cannot be told (its expression returns nothing now)`,
      );
    const carried = new Set(['alertname', ...Object.keys(rule.labels), ...kept]);
    const dropped = wanted.filter((label) => !carried.has(label));
    if (dropped.length === 0)
      return void this.result.findings.push(
        `${where}: alert rule found in group ${rule.group}; it carries ${[...carried].join(', ')}`,
      );
    this.result.problems.push(
      `${where}: ${selector.name} never carries ${dropped.map((l) => `\`${l}\``).join(', ')}: its expression \`${rule.query}\` keeps ${kept.join(', ') || 'no labels'} and its rule adds ${Object.keys(rule.labels).join(', ') || 'none'} (match on a label it carries, or keep it with by (…) in the rule)`,
    );
  }

  /** A rule that reads a metric Prometheus does not have can never fire: the service's defect, said beside the check. */
  private async deadRule(index: number, rule: AlertingRule, where: string): Promise<void> {
    this.metricNames ??= allMetricNames(this.sources.prometheus!);
    const names = await this.metricNames;
    for (const selector of selectorsIn(rule.query)) {
      if (!selector.name || names.includes(selector.name)) continue;
      const text = `the rule ${rule.name} reads \`${selector.name}\`, a metric Prometheus does not have${didYouMean(selector.name, names)}: it cannot fire as written`;
      this.result.warnings.push(`${where}: ${text}`);
      this.note(index, text);
    }
  }

  /** Health paths and named probes, and the readiness path, answered once: a 404 is a typo; anything else is shown. */
  async probes(): Promise<void> {
    const { scenario, sources } = this;
    const paths: [string, URL][] = [];
    if (scenario.readiness?.path) paths.push(['readiness.path', new URL(scenario.readiness.path, sources.targetUrl)]);
    const probed = new Set(scenario.checks.map(probeOf).filter((probe) => probe !== undefined));
    if (scenario.health)
      for (const [probe, spec] of probeSpecs(sources.targetUrl, scenario.health))
        if (probed.has(probe) || probe in (scenario.health.probes ?? {}))
          paths.push([`health probe "${probe}"`, spec.url]);
    for (const [where, url] of paths) {
      const status = await sources.http.request(url, { timeoutMs: 3_000, maxBodyBytes: 64 * 1024 }).then(
        (r) => r.status,
        (error: Error) => error.message,
      );
      if (status === 404)
        this.result.problems.push(
          `${where}: ${url.pathname} answers 404 Not Found (a typo? the service has no such path)`,
        );
      else
        this.result.findings.push(
          `${where}: ${url.pathname} answers ${typeof status === 'number' ? status : `nothing yet (${status})`}${typeof status === 'number' && status < 400 ? '' : ' — the service may not be ready yet; the readiness gate waits for it'}`,
        );
    }
  }
}

/** A Prometheus started moments ago may not have scraped yet: names are looked up once every target was scraped once (at most this long). */
const FIRST_SCRAPE_WAIT_MS = 30_000;

async function awaitFirstScrapes(prometheus: PrometheusEndpoint): Promise<void> {
  await waitUntil(async () => (await scrapeTargets(prometheus)).every((t) => t.lastScrapeMs > 0), {
    timeoutMs: FIRST_SCRAPE_WAIT_MS,
    intervalMs: 250,
    what: 'every Prometheus target to be scraped once',
  }).catch(() => undefined);
}

/** Looks every name a scenario uses up in the live system, once. Throws only when a source does not answer. */
export async function lookUpNames(scenario: Scenario, sources: LookupSources): Promise<NameLookup> {
  if (sources.prometheus) await awaitFirstScrapes(sources.prometheus);
  const lookup = new Lookup(scenario, sources);
  for (const [index, check] of scenario.checks.entries()) {
    for (const read of readsOf(check)) {
      const where = `${checkName(check, index)}.${read.field}`;
      if (read.source === 'scrape') await lookup.scrapeRead(index, read, where);
      else if (sources.prometheus) await lookup.prometheusRead(index, read, where);
    }
    const alert = alertSelectorOf(check);
    if (alert && sources.prometheus) await lookup.alert(index, alert, `${checkName(check, index)}.alert`);
  }
  await lookup.probes();
  const { result } = lookup;
  return { ...result, warnings: [...new Set(result.warnings)], findings: [...new Set(result.findings)] };
}

/** The scenario names what the live system does not have: exit 2, every problem named, before anything is sent. */
export function assertNamesFound(found: NameLookup): void {
  if (found.problems.length === 0) return;
  throw new OrdealError(
    'ORDEAL_ERR_SCENARIO',
    `the scenario names what the live system does not have (nothing was sent):\n  ${[...new Set(found.problems)].join('\n  ')}`,
  );
}
