import { describe, expect, it } from 'vitest';
import { PrometheusServer } from '../../harness/prometheus/prometheus-server.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { startTestServer } from '../support/test-server.ts';

/** One instant query on a real Prometheus: each series' labels and value. */
async function query(
  prometheusUrl: string,
  promql: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

const scenarioAgainst = (baseUrl: string, duration: string) =>
  writeTempScenario({
    name: 'remote-written',
    target: { baseUrl },
    load: notAboutTheGenerator({ warmup: false }),
    requests: [{ path: '/' }],
    phases: [{ name: 'steady', duration, rate: 20 }],
    slos: [{ http_req_failed: ['rate<0.01'] }],
  });

describe('--remote-write: ordeal streams its own metrics to Prometheus while it runs', () => {
  it(
    "a real Prometheus (remote-write receiver) holds ordeal's series during the run, and the end state after it",
    { timeout: 60_000 },
    async () => {
      await using prometheus = await new PrometheusServer().withRemoteWriteReceiver().start();
      await using service = await startTestServer((_request, response) => response.end('ok'));
      const { file, reportDir } = await scenarioAgainst(service.url, '8s');
      const run = startCli([
        'run',
        file,
        '--report-dir',
        reportDir,
        '--remote-write',
        `${prometheus.url}/api/v1/write`,
        '--remote-write-interval',
        '1s',
      ]);
      await run.waitForOutput(/run_id="[^"]+"\)/, 30_000);
      const [, runId] = /remote write of its own metrics to \S+ every 1 s \(run_id="([^"]+)"\)/.exec(run.stderr())!;
      // While it runs: the requests so far are queryable, labelled with the run.
      let during: { metric: Record<string, string>; value: number }[] = [];
      for (let tries = 0; tries < 60 && run.child.exitCode === null; tries++) {
        during = await query(prometheus.url, `ordeal_requests_total{job="ordeal",run_id="${runId}"}`);
        if ((during[0]?.value ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(run.child.exitCode, 'the series were queryable before the run ended').toBeNull();
      expect(during).toEqual([
        {
          metric: expect.objectContaining({
            job: 'ordeal',
            run_id: runId,
            scenario: 'remote-written',
            phase: 'steady',
          }),
          value: expect.any(Number),
        },
      ]);
      expect(during[0]!.value).toBeGreaterThan(0);
      expect(await run.exit).toBe(0);
      // After it: the last push holds the run's totals, the same as its report.
      const report = (await readOnlyReport(reportDir)) as RunReport;
      const [total] = await query(prometheus.url, `ordeal_requests_total{run_id="${runId}"}`);
      expect(total?.value).toBe(report.phases[0]!.requests);
      const [count] = await query(prometheus.url, `ordeal_request_duration_seconds_count{run_id="${runId}"}`);
      expect(count?.value).toBe(report.phases[0]!.requests);
      expect(run.stderr()).not.toMatch(/remote write .* failed/);
    },
  );

  it(
    'a receiver that does not answer is a warning, said once; the run and its verdict go on. One off the allowlist is exit 2, nothing sent',
    { timeout: 60_000 },
    async () => {
      let requests = 0;
      await using service = await startTestServer((_request, response) => (requests++, response.end('ok')));
      const { file, reportDir } = await scenarioAgainst(service.url, '3s');
      const nowhere = `http://127.0.0.1:${await findFreePort()}/api/v1/write`;
      const down = await runCli(
        ['run', file, '--report-dir', reportDir, '--remote-write', nowhere, '--remote-write-interval', '500ms'],
        {},
        45_000,
      );
      expect(down.code).toBe(0);
      expect(
        down.stderr.match(/warning: remote write to \S+ failed: .*ECONNREFUSED.*; ordeal keeps trying/g),
      ).toHaveLength(1);
      expect(down.stdout + down.stderr).toMatch(/verdict: PASS/);

      const before = requests;
      const refused = await runCli(
        ['run', file, '--report-dir', reportDir, '--remote-write', 'http://10.9.8.7/api/v1/write'],
        {},
        30_000,
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--remote-write/);
      expect(requests).toBe(before);
    },
  );
});
