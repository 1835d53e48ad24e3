import { beforeAll, describe, expect, it } from 'vitest';
import { PrometheusServer } from '../../harness/prometheus/prometheus-server.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { haproxyMissing, startHaproxyFailover, type HaproxyVariant } from '../support/haproxy-failover.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

/**
 * A real HAProxy (Debian's package) doing active/backup failover, judged
 * through its own Prometheus exporter — with no gap phase: a readiness gate
 * waits for HAProxy to mark the primary up (and for no alert to be firing),
 * the fault phase's checks judge only that fault (the switch must start
 * after it, the alert must start firing after it, on the primary's series
 * only), the error-rate SLO gives HAProxy's detection 2 s of grace, and the
 * recovery phase judges the return. A broken config FAILS: backup removed,
 * health checks off, a dead alert rule.
 */
const rules = (expr: string) => `groups:
  - name: lb
    rules:
      - alert: HAProxyServerDown
        expr: ${expr}
        labels: { severity: critical }
`;
const LIVE_RULE = 'max by (server) (haproxy_server_status{proxy="be",state="DOWN"}) == 1';
// A typo in the metric name: the rule loads, and never fires.
const DEAD_RULE = 'max by (server) (haproxy_server_state{proxy="be",state="DOWN"}) == 1';

async function runOn(variant: HaproxyVariant, rule = LIVE_RULE): Promise<RunReport> {
  await using lb = await startHaproxyFailover(variant);
  await using prometheus = await new PrometheusServer()
    .withScrapeTargets([{ job: 'haproxy', target: lb.metricsHost }])
    .withRules(rules(rule))
    .start();
  const scenario = validateScenario({
    name: 'haproxy-failover',
    target: { baseUrl: lb.url },
    toxiproxy: { url: lb.toxiproxy.url, proxies: [lb.primaryProxy] },
    prometheus: { url: prometheus.url },
    // ordeal creates the primary's proxy; HAProxy then needs two good checks to mark it up, and Prometheus a rule evaluation to stop the alert.
    // About the load balancer, not the generator (the file shares the machine): send lag is judged loosely.
    load: notAboutTheGenerator(),
    readiness: {
      promql:
        'max(haproxy_server_status{proxy="be",server="primary",state="UP"}) and on() absent(ALERTS{alertstate="firing"})',
      timeout: '20s',
      interval: '250ms',
    },
    requests: [{ path: '/' }],
    phases: [
      { name: 'baseline', duration: '3s', rate: 30 },
      { name: 'primary-down', duration: '6s', rate: 30, faults: [{ proxy: 'primary', kind: 'down' }] },
      { name: 'recovery', duration: '5s', rate: 30 },
    ],
    slos: [{ phases: ['primary-down'], http_req_failed: ['rate<0.01'], after: '2s' }],
    checks: [
      {
        kind: 'alert',
        alert: 'HAProxyServerDown{server="primary"}',
        phase: 'primary-down',
        firesWithin: '4s',
        resolvesWithin: '4s',
      },
      {
        kind: 'failover',
        phase: 'primary-down',
        replicaQuery: 'sum(irate(haproxy_server_http_responses_total{proxy="be",server="backup",code="2xx"}[3s]))',
        totalQuery: 'sum(irate(haproxy_backend_http_responses_total{proxy="be"}[3s]))',
        switchWithin: '3s',
        minShare: 0.8,
        maxErrorWindow: '2s',
        returnsWithin: '4s',
      },
      { kind: 'no-alert', phases: ['baseline'], severity: 'critical' },
    ],
  });
  return await runScenario(scenario);
}

/** Each check that did not pass, with what was observed: what a failed PASS expectation shows. */
const notPassed = (report: RunReport): string[] =>
  report.checks
    .filter((c) => c.status !== 'pass')
    .map(
      (c) =>
        `${c.phase} ${c.name}: ${c.status}, observed ${c.observed}${c.unit ? ` ${c.unit}` : ''}${c.reason ? ` (${c.reason})` : ''}`,
    );

const outcome = (report: RunReport) =>
  Object.fromEntries(
    report.checks.map((c) => [`${c.phase} ${c.name}`, `${c.status}${c.reason ? ` (${c.reason})` : ''}`]),
  );

describe.skipIf(haproxyMissing())('a real HAProxy doing active/backup failover, judged on its own exporter', () => {
  let healthy: RunReport;
  let noBackupDeadRule: RunReport;
  let noHealthChecks: RunReport;
  beforeAll(async () => {
    // Three load balancers, three Prometheuses: independent, so side by side.
    [healthy, noBackupDeadRule, noHealthChecks] = await Promise.all([
      runOn({}),
      runOn({ withoutBackup: true }, DEAD_RULE),
      runOn({ withoutHealthChecks: true }),
    ]);
  }, 120_000);

  it('PASS when it is configured right: readiness waited, the switch, its share, the alert on the primary, the return', () => {
    expect(notPassed(healthy)).toEqual([]);
    expect(healthy.verdict).toBe('pass');
    // The gate ran (it may find HAProxy ready at its first look: 0 ms waited).
    expect(healthy.load.readinessWaitMs).toBeGreaterThanOrEqual(0);
    expect(healthy.checks.find((c) => c.name === 'failover to the replica within 3s')).toMatchObject({ unit: 's' });
  });

  it('FAIL with the backup removed and a dead alert rule', () => {
    const checks = outcome(noBackupDeadRule);
    expect(checks['primary-down failover to the replica within 3s']).toMatch(
      /^fail \(the replica served no traffic while the primary was down; note: before the run, .*server="backup" matches nothing/,
    );
    expect(checks['primary-down failover error window <= 2s']).toMatch(/^fail/);
    // The lookup before the run saw the rule's metric typo and says so beside the verdict.
    expect(checks['primary-down alert HAProxyServerDown{server="primary"} fires within 4s']).toBe(
      'fail (HAProxyServerDown{server="primary"} never fired (is the rule loaded?); note: the rule HAProxyServerDown reads `haproxy_server_state`, a metric Prometheus does not have (did you mean `haproxy_server_status`?): it cannot fire as written)',
    );
    expect(checks['primary-down http_req_failed rate<0.01 from +2s']).toMatch(/^fail/);
    expect(noBackupDeadRule.verdict).toBe('fail');
  });

  it('FAIL with health checks off: HAProxy never notices, no alert, no switch', () => {
    const checks = outcome(noHealthChecks);
    expect(checks['primary-down alert HAProxyServerDown{server="primary"} fires within 4s']).toMatch(/^fail/);
    expect(checks['primary-down failover to the replica within 3s']).toMatch(/^fail/);
    expect(checks['primary-down http_req_failed rate<0.01 from +2s']).toMatch(/^fail/);
    expect(noHealthChecks.verdict).toBe('fail');
  });
});

/** Two fault phases back to back on the primary (no fault-free phase between): the backup carries the traffic through both. */
async function runBackToBack(variant: HaproxyVariant): Promise<RunReport> {
  await using lb = await startHaproxyFailover(variant);
  await using prometheus = await new PrometheusServer()
    .withScrapeTargets([{ job: 'haproxy', target: lb.metricsHost }])
    .start();
  const failover = (phase: string) => ({
    kind: 'failover',
    phase,
    replicaQuery: 'sum(irate(haproxy_server_http_responses_total{proxy="be",server="backup",code="2xx"}[3s]))',
    totalQuery: 'sum(irate(haproxy_backend_http_responses_total{proxy="be"}[3s]))',
    switchWithin: '3s',
    minShare: 0.9,
    returnsWithin: '4s',
  });
  return await runScenario(
    validateScenario({
      name: 'haproxy-back-to-back',
      target: { baseUrl: lb.url },
      toxiproxy: { url: lb.toxiproxy.url, proxies: [lb.primaryProxy] },
      prometheus: { url: prometheus.url },
      load: notAboutTheGenerator(),
      readiness: {
        promql: 'max(haproxy_server_status{proxy="be",server="primary",state="UP"})',
        timeout: '20s',
        interval: '250ms',
      },
      requests: [{ path: '/' }],
      phases: [
        { name: 'baseline', duration: '3s', rate: 30 },
        { name: 'down-1', duration: '5s', rate: 30, faults: [{ proxy: 'primary', kind: 'down' }] },
        { name: 'down-2', duration: '5s', rate: 30, faults: [{ proxy: 'primary', kind: 'down' }] },
        { name: 'recovery', duration: '6s', rate: 30 },
      ],
      slos: [],
      checks: [failover('down-1'), failover('down-2')],
    }),
  );
}

describe.skipIf(haproxyMissing())('a real HAProxy through two faults back to back on its primary', () => {
  let healthy: RunReport;
  let noBackup: RunReport;
  beforeAll(async () => {
    [healthy, noBackup] = await Promise.all([runBackToBack({}), runBackToBack({ withoutBackup: true })]);
  }, 120_000);

  it('PASSES both failover checks with a healthy backup: the second as a continuation, its share ~100 %, the return after the last fault', () => {
    expect(notPassed(healthy)).toEqual([]);
    const second = healthy.checks.filter((c) => c.phase === 'down-2');
    expect(second.find((c) => c.name === 'failover to the replica within 3s')!.reason).toMatch(
      /^already serving when the fault began, since the previous phase down-1 faulted the same dependency back to back/,
    );
    for (const share of healthy.checks.filter((c) => c.name.startsWith('failover share')))
      expect(share.observed).toBeGreaterThanOrEqual(95);
    expect(healthy.verdict).toBe('pass');
  });

  it('FAILS both with the backup removed', () => {
    const checks = outcome(noBackup);
    // Each with the lookup's note beside it: before the run, HAProxy had no backup server's series.
    expect(checks['down-1 failover to the replica within 3s']).toMatch(
      /^fail \(the replica served no traffic while the primary was down; note: before the run, .*server="backup" matches nothing: `server` has: primary/,
    );
    expect(checks['down-2 failover to the replica within 3s']).toMatch(
      /^fail \(the replica served no traffic while the primary was down; note: before the run/,
    );
    expect(noBackup.verdict).toBe('fail');
  });
});
