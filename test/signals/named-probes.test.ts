import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../harness/errors/ordeal-error.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer } from '../support/test-server.ts';

/** A real server answering `status` and `body` on every path, counting requests. */
async function answering(status: number, body: string) {
  let requests = 0;
  const server = await startTestServer((_request, response) => {
    requests += 1;
    response.writeHead(status).end(body);
  });
  return Object.assign(server, { requests: () => requests });
}

const scenarioWith = (target: string, probes: Record<string, unknown>, probe = 'db') =>
  validateScenario({
    name: 'named-probes',
    target: { baseUrl: target },
    // About the probes, not the generator (this file shares the machine): send lag is judged loosely.
    load: notAboutTheGenerator({ warmup: false }),
    health: { interval: '250ms', probes },
    requests: [{ path: '/' }],
    phases: [{ name: 'p', duration: '2s', rate: 5 }],
    slos: [],
    checks: [{ kind: 'health', probe }],
  });

describe('named health probes with their own URL, status and body', () => {
  it("PASS when the dependency's health URL answers the expected status with the expected text; the report names the URL", async () => {
    await using target = await answering(200, 'ok');
    await using db = await answering(200, '{"status":"UP","db":"reachable"}');
    const report = await runScenario(
      scenarioWith(target.url, { db: { url: `${db.url}/health`, status: 200, body: '"db":"reachable"' } }),
    );
    expect(report.checks[0]).toMatchObject({ status: 'pass', expected: `${db.url}/health OK in every sample` });
    expect(db.requests()).toBeGreaterThanOrEqual(4);
  });

  it('FAIL when the status is right but the body lacks the text, saying so', async () => {
    await using target = await answering(200, 'ok');
    await using db = await answering(200, '{"status":"DOWN"}');
    const report = await runScenario(
      scenarioWith(target.url, { db: { url: `${db.url}/health`, body: '"status":"UP"' } }),
    );
    expect(report.checks[0]).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/samples of .*\/health failed \(first: HTTP 200, body without ""status":"UP""/),
    });
    // Every sample is in report.json: when, the status, the latency, why it failed.
    const probed = report.signals.health!.find((h) => h.probe === 'db');
    expect(probed).toMatchObject({ probe: 'db', path: expect.stringMatching(/\/health$/) });
    expect(probed!.samples.length).toBeGreaterThanOrEqual(4);
    expect(probed!.samples[0]).toMatchObject({
      ok: false,
      status: 200,
      note: 'body without ""status":"UP""',
      latencyMs: expect.any(Number),
    });
  });

  it('FAIL on a status outside the expected ones (a 301 is not "200")', async () => {
    await using target = await answering(200, 'ok');
    await using db = await answering(301, '');
    const report = await runScenario(scenarioWith(target.url, { db: { url: `${db.url}/health`, status: [200, 204] } }));
    expect(report.checks[0]).toMatchObject({ status: 'fail' });
  });

  it('refuses a probe URL outside the allowlist (exit 2, naming the field), and a check naming an unknown probe, before anything is sent', async () => {
    await using target = await answering(200, 'ok');
    const outside = await runScenario(scenarioWith(target.url, { db: { url: 'http://10.20.30.40/health' } })).catch(
      (e: unknown) => e,
    ); // refused
    expect(outside).toBeInstanceOf(OrdealError);
    expect((outside as OrdealError).exitCode).toBe(2);
    expect((outside as Error).message).toContain('health.probes.db.url');
    expect(() => scenarioWith(target.url, {}, 'db')).toThrow(
      /checks\[0\]\.probe: "db" names no probe \(probes are: live, ready, startup; add it under health\.probes\)/,
    );
    expect(target.requests()).toBe(0);
  });
});
