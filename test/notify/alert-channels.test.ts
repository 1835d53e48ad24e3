import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { stopChild } from '../../harness/process/stop-child.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const missing = existsSync(ALERTMANAGER)
  ? undefined
  : `no ${ALERTMANAGER} (npm test installs Debian's prometheus-alertmanager as root)`;

interface Received {
  path: string;
  body: any;
}

let receiver: TestServer;
let target: TestServer;
let alertmanager: ChildProcess | undefined;
let alertmanagerUrl: string;
const received: Received[] = [];
const urlOf = (server: TestServer): string => server.url;

beforeAll(async () => {
  receiver = await startTestServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || 'null') });
      res.end('ok');
    });
  });
  target = await startTestServer((_req, res) => res.end('ok'));
  if (missing) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-alertmanager-'));
  const port = await findFreePort();
  await writeFile(
    path.join(dir, 'alertmanager.yml'),
    `route:\n  receiver: hook\n  group_by: [alertname, run]\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: ${urlOf(receiver)}/from-alertmanager\n        send_resolved: true\n`,
  );
  alertmanager = spawn(
    ALERTMANAGER,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${alertmanagerUrl}/api/v2/status`)).ok, {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: 'Alertmanager answering',
  });
});

afterAll(async () => {
  if (alertmanager) await stopChild(alertmanager);
  await Promise.all([receiver, target].map((s) => s?.close()));
});

describe.skipIf(missing !== undefined)(`alert channels${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it("a run's alerts arrive through a real Alertmanager's routing; a generic webhook gets JSON and a Slack-compatible body; a dead channel is reported, the verdict unchanged", async () => {
    const proxyPort = await findFreePort();
    const deadPort = await findFreePort();
    const report = await runScenario({
      name: 'notify',
      target: { baseUrl: urlOf(target) },
      // Not a test of the generator's timing: it shares the machine.
      load: notAboutTheGenerator({ warmup: false }),
      toxiproxy: {
        proxies: [{ name: 'dep', listen: `127.0.0.1:${proxyPort}`, upstream: urlOf(target).slice('http://'.length) }],
      },
      requests: [{ path: '/' }],
      phases: [
        { name: 'calm', duration: '1s', rate: 10 },
        { name: 'slow-dep', duration: '1s', rate: 10, faults: [{ proxy: 'dep', kind: 'latency', latencyMs: 100 }] },
      ],
      slos: [{ http_req_failed: ['rate<0.01'] }],
      notify: [
        { kind: 'alertmanager', url: alertmanagerUrl },
        { kind: 'webhook', url: `${urlOf(receiver)}/slack`, format: 'slack' },
        { kind: 'webhook', url: `${urlOf(receiver)}/json` },
        // A dead channel whose URL carries its secret in the path and the query, as webhook URLs do.
        { kind: 'webhook', url: `http://127.0.0.1:${deadPort}/hooks/T0SECRET/B0SECRET?token=Q0SECRET` },
      ],
    });
    expect(report.verdict, report.verdictReason).toBe('pass');
    // Alertmanager routed the run's alerts to the receiver its config names.
    await waitUntil(
      () => {
        const names = received
          .filter((r) => r.path === '/from-alertmanager')
          .flatMap((r) => r.body.alerts.map((a: any) => `${a.labels.alertname}:${a.status}`));
        return (
          names.includes('OrdealFaultActive:firing') &&
          names.includes('OrdealRunVerdict:firing') &&
          names.includes('OrdealRunInProgress:resolved')
        );
      },
      { timeoutMs: 15_000, intervalMs: 100, what: "the run's alerts through Alertmanager" },
    );
    const routed = received.filter((r) => r.path === '/from-alertmanager').flatMap((r) => r.body.alerts);
    const fault = routed.find((a: any) => a.labels.alertname === 'OrdealFaultActive');
    expect(fault.labels).toMatchObject({
      run: report.runId,
      scenario: 'notify',
      phase: 'slow-dep',
      proxy: 'dep',
      fault: 'latency',
      source: 'ordeal',
    });
    const slack = received.filter((r) => r.path === '/slack').map((r) => r.body);
    expect(slack.map((b) => Object.keys(b))).toEqual(Array(slack.length).fill(['text']));
    expect(slack.map((b) => b.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\*ordeal\* notify \(.+\): verdict PASS: /),
        expect.stringMatching(/fault applied in phase slow-dep: dep: latency 100ms/),
      ]),
    );
    expect(received.filter((r) => r.path === '/json').map((r) => r.body.event)).toEqual([
      'run-started',
      'fault-applied',
      'fault-removed',
      'verdict',
    ]);
    // Every delivery is accounted for; the dead one failed without touching the verdict.
    const dead = report.notifications!.filter((n) => n.channel.includes(String(deadPort)));
    expect(dead.length).toBe(4);
    expect(dead.every((n) => !n.ok && n.error)).toBe(true);
    expect(report.notifications!.filter((n) => !n.channel.includes(String(deadPort))).every((n) => n.ok)).toBe(true);
    // Its secrets are nowhere in report.json: only the origin, the first path segment and the query's keys.
    expect(dead[0]!.channel).toBe(`webhook http://127.0.0.1:${deadPort}/hooks/…?token=***`);
    expect(JSON.stringify(report)).not.toMatch(/0SECRET/);
  });

  it('a guard trip pages: OrdealGuardTripped (critical) arrives through Alertmanager, the webhook hears guard-tripped, then the aborted verdict', async () => {
    const broken = await startTestServer((_req, res) => res.writeHead(500).end('broken'));
    try {
      const report = await runScenario({
        name: 'notify-guard',
        target: { baseUrl: urlOf(broken) },
        load: notAboutTheGenerator({ warmup: false }),
        requests: [{ path: '/' }],
        phases: [{ name: 'broken', duration: '30s', rate: 20 }],
        slos: [],
        guards: [{ metric: 'http_req_failed', trip: 'rate>0.5', for: '1s' }],
        notify: [
          { kind: 'alertmanager', url: alertmanagerUrl },
          { kind: 'webhook', url: `${urlOf(receiver)}/guard-json` },
        ],
      });
      expect(report.verdict, report.verdictReason).toBe('aborted');
      await waitUntil(
        () =>
          received.some(
            (r) =>
              r.path === '/from-alertmanager' &&
              r.body.alerts.some(
                (a: any) => a.labels.alertname === 'OrdealGuardTripped' && a.labels.run === report.runId,
              ),
          ),
        { timeoutMs: 15_000, intervalMs: 100, what: 'OrdealGuardTripped through Alertmanager' },
      );
      const tripped = received
        .filter((r) => r.path === '/from-alertmanager')
        .flatMap((r) => r.body.alerts)
        .find((a: any) => a.labels.alertname === 'OrdealGuardTripped' && a.labels.run === report.runId);
      expect(tripped.labels).toMatchObject({ severity: 'critical', guard: 'guard 1', scenario: 'notify-guard' });
      const events = received.filter((r) => r.path === '/guard-json').map((r) => r.body);
      expect(events.map((e) => e.event)).toEqual(['run-started', 'guard-tripped', 'verdict']);
      expect(events[1].summary).toMatch(
        /guard guard 1 tripped \(http_req_failed rate>0\.5 for 1s: .+\); load stopped, faults removed/,
      );
      expect(events[2].summary).toMatch(/ABORTED/i);
      expect(report.notifications!.every((n) => n.ok)).toBe(true);
    } finally {
      await broken.close();
    }
  });

  it('a notification URL outside the allowlist is refused before anything is sent', async () => {
    await expect(
      runScenario({
        name: 'notify-bad',
        target: { baseUrl: urlOf(target) },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
        notify: [{ kind: 'webhook', url: 'http://hooks.example.com/x' }],
      }),
    ).rejects.toThrow(/notify\[0\]\.url/);
  });
});
