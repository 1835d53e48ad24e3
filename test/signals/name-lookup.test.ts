import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { PrometheusServer, type StartedPrometheusServer } from '../../harness/prometheus/prometheus-server.ts';
import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { instantQuery } from '../../harness/signals/prometheus-api.ts';
import { startPaymentsService, type StartedPayments } from '../support/payments-service.ts';
import { runCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

/**
 * A payments team writes its scenario from the README, points `ordeal plan`
 * at its live service and Prometheus (rules loaded), and makes one natural
 * mistake at a time. Each is caught before any load, naming the check, the
 * field, the wrong name and what exists; the correct scenario passes, a
 * backup counter that does not exist yet being a warning.
 */
const RULES = `groups:
  - name: payments
    rules:
      - alert: PaymentsBreakerOpen
        expr: max(resilience4j_circuitbreaker_state{name="bank",state="open"}) == 1
        labels: { severity: warning }
`;

let payments: StartedPayments;
let prometheus: StartedPrometheusServer;

beforeAll(async () => {
  payments = await startPaymentsService();
  prometheus = await new PrometheusServer()
    .withScrapeTargets([{ job: 'payments', target: payments.metricsHost }])
    .withRules(RULES)
    .start();
  // The service has served before (its primary's counter exists), as a live one has; Prometheus has scraped it since.
  await fetch(`${payments.url}/pay`, { method: 'POST' });
  const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });
  await waitUntil(
    async () =>
      (await instantQuery({ http, url: prometheus.url }, 'payments_bank_calls_total{target="primary"}')).length > 0,
    { timeoutMs: 20_000, intervalMs: 250, what: 'Prometheus to scrape the payments service' },
  );
  await http.close();
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await payments?.[Symbol.asyncDispose]();
});

type Edit = (s: ReturnType<typeof correct>) => void;

function correct() {
  return {
    name: 'payments',
    target: { baseUrl: payments.url },
    toxiproxy: { url: payments.toxiproxy.url, proxies: payments.proxies },
    prometheus: { url: prometheus.url },
    readiness: { path: '/actuator/health/readiness' },
    health: { paths: { ready: '/actuator/health/readiness' } },
    requests: [{ method: 'POST', path: '/pay' }],
    phases: [
      { name: 'baseline', duration: '2s', rate: 10 },
      { name: 'bank-down', duration: '2s', rate: 10, faults: [{ proxy: 'bank-primary', kind: 'down' }] },
    ],
    slos: [],
    checks: [
      { kind: 'breaker', phase: 'bank-down', breaker: 'bank', preset: 'resilience4j', opensWithin: '5s' },
      { kind: 'alert', alert: 'PaymentsBreakerOpen', phase: 'bank-down', firesWithin: '6s' },
      {
        kind: 'failover',
        phase: 'bank-down',
        replicaQuery: 'sum(rate(payments_bank_calls_total{target="secondary",outcome="ok"}[3s]))',
      },
      {
        kind: 'autoscaling',
        phase: 'baseline',
        atLeast: 2,
        within: '4s',
        query: 'max(kube_deployment_status_replicas_available{deployment="payments"})',
      },
      { kind: 'health', probe: 'ready', phases: ['baseline'] },
    ] as Record<string, unknown>[],
  };
}

async function plan(edit: Edit = () => undefined): Promise<{ code: number | null; out: string }> {
  const scenario = correct();
  edit(scenario);
  const { file } = await writeTempScenario(scenario);
  const result = await runCli(['plan', file]);
  return { code: result.code, out: `${result.stdout}${result.stderr}` };
}

describe('plan looks every name up in the live system', () => {
  it('passes the correct scenario, saying what it found; a backup counter that does not exist yet is a warning', async () => {
    const { code, out } = await plan();
    expect(code, out).toBe(0);
    expect(out).toMatch(
      /checks\[0\] \(breaker bank\)\.breaker: resilience4j_circuitbreaker_state\{name="bank",state=~"open\|forced_open"\}: 2 series now/,
    );
    expect(out).toMatch(
      /checks\[1\] \(alert PaymentsBreakerOpen\)\.alert: alert rule found in group payments, labels severity/,
    );
    expect(out).toMatch(
      /warning: checks\[2\] \(failover\)\.replicaQuery: payments_bank_calls_total\{target="secondary",outcome="ok"\}: target="secondary" matches nothing: `target` has: primary — it may appear only with the fault/,
    );
    expect(out).toMatch(/health probe "ready": \/actuator\/health\/readiness answers 200/);
  });

  // One plan each, side by side: plan reads the live system and sends no load, so they cannot disturb each other.
  it.concurrent.each<[string, Edit, RegExp]>([
    [
      'an alert name typo',
      (s) => void (s.checks[1]!.alert = 'PaymentsBreakerOpn'),
      /checks\[1\] \(alert PaymentsBreakerOpn\)\.alert: no alerting rule named `PaymentsBreakerOpn` is loaded in Prometheus \(did you mean `PaymentsBreakerOpen`\?\)/,
    ],
    [
      'an alert label the alert never carries',
      (s) => void (s.checks[1]!.alert = 'PaymentsBreakerOpen{name="bank"}'),
      /checks\[1\] \(alert PaymentsBreakerOpen\{name="bank"\}\)\.alert: PaymentsBreakerOpen never carries `name`: its expression `max\(resilience4j_circuitbreaker_state\{name="bank",state="open"\}\) == 1` keeps no labels and its rule adds severity/,
    ],
    [
      'a metric name typo in replicaQuery',
      (s) => void (s.checks[2]!.replicaQuery = 'sum(rate(payments_bank_call_total{target="secondary"}[3s]))'),
      /checks\[2\] \(failover\)\.replicaQuery: no metric named `payments_bank_call_total` in Prometheus \(did you mean `payments_bank_calls_total`\?\)/,
    ],
    [
      'a breaker name typo',
      (s) => void (s.checks[0]!.breaker = 'bnk'),
      /checks\[0\] \(breaker bnk\)\.breaker: resilience4j_circuitbreaker_state\{name="bnk",state=~"open\|forced_open"\}: name="bnk" matches nothing: `name` has: bank \(did you mean `bank`\?\)/,
    ],
    [
      'a deployment label typo in an autoscaling query',
      (s) => void (s.checks[3]!.query = 'max(kube_deployment_status_replicas_available{deployment="payment"})'),
      /checks\[3\] \(autoscaling\)\.query: .*deployment="payment" matches nothing: `deployment` has: payments \(did you mean `payments`\?\)/,
    ],
    [
      'a readiness path typo (a 404)',
      (s) => void (s.readiness = { path: '/actuator/health/ready' }),
      /readiness\.path: \/actuator\/health\/ready answers 404 Not Found/,
    ],
    [
      'a fault on a proxy declared nowhere',
      (s) => void (s.phases[1]!.faults = [{ proxy: 'bank-primry', kind: 'down' }]),
      /phases\[1\]\.faults\[0\]\.proxy: "bank-primry"/,
    ],
  ])('%s: exit 2, naming the check, the field, the wrong name and what exists', async (_mistake, edit, message) => {
    const { code, out } = await plan(edit);
    expect(out).toMatch(message);
    expect(code, out).toBe(2);
  });

  it("a label value typo in a backup's query (which may appear only with the fault) is a warning that names the values there are", async () => {
    const { code, out } = await plan(
      (s) =>
        void (s.checks[2]!.replicaQuery =
          'sum(rate(payments_bank_calls_total{target="secondary",outcome="okay"}[3s]))'),
    );
    expect(code, out).toBe(0);
    expect(out).toMatch(/warning: .*outcome="okay" matches nothing: `outcome` has: ok \(did you mean `ok`\?\)/);
  });

  it('a proxy ordeal would create whose upstream has nothing listening is refused before any load', async () => {
    const { code, out } = await plan(
      (s) =>
        void (
          (s.toxiproxy.proxies = [{ name: 'bank-primary-2', listen: '127.0.0.1:1', upstream: '127.0.0.1:9' }]),
          (s.phases[1]!.faults = [{ proxy: 'bank-primary-2', kind: 'down' }])
        ),
    );
    expect(out).toMatch(/phases\[1\]\.faults\[0\]\.proxy "bank-primary-2" \(its upstream\).*127\.0\.0\.1:9/);
    expect(code).toBe(3);
  });

  it('run refuses the same mistakes before sending anything: the service counts no payment', async () => {
    const before = await (await fetch(`${payments.url}/metrics`)).text();
    for (const edit of [
      (s: ReturnType<typeof correct>) => void (s.checks[0]!.breaker = 'bnk'),
      (s: ReturnType<typeof correct>) => void (s.checks[1]!.alert = 'PaymentsBreakerOpn'),
    ]) {
      const scenario = correct();
      edit(scenario);
      const { file, reportDir } = await writeTempScenario(scenario);
      const run = await runCli(['run', file, '--report-dir', reportDir]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/the scenario names what the live system does not have \(nothing was sent\)/);
    }
    const paid = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('payments_requests_total'))
        .join('\n');
    expect(paid(await (await fetch(`${payments.url}/metrics`)).text())).toBe(paid(before));
  });
});

describe("the README's own-service example", () => {
  it('passes plan against a service of its shape: every label it matches on is one its rules and series carry', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Point ordeal at your own service'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const literal = code.slice(code.indexOf('defineScenario(') + 'defineScenario('.length, code.lastIndexOf(');'));
    const example = new Function(`return (${literal});`)() as ReturnType<typeof correct> & {
      checks: Record<string, unknown>[];
    };
    // The same scenario, pointed at the service, Toxiproxy and Prometheus this test started (ports are theirs).
    const scenario = {
      ...example,
      target: { baseUrl: payments.url },
      toxiproxy: { url: payments.toxiproxy.url, proxies: payments.proxies },
      prometheus: { url: prometheus.url },
    };
    const { file } = await writeTempScenario(scenario);
    const result = await runCli(['plan', file]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(
      /checks\[1\] \(alert PaymentsBreakerOpen\)\.alert: alert rule found in group payments/,
    );
  });
});
