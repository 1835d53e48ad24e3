import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTimeline, registerCheckKind, runScenario, validateScenario, writeReports } from '../../harness/index.ts';
import { renderPlan } from '../../harness/cli/render-plan.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { quietSecondsKind } from './toy-check-kind.ts';

/** A real server on loopback: 200 to everything, or 500 while `failing`. */
let failing = false;
let server: TestServer;
beforeAll(
  async () =>
    (server = await startTestServer((_request, response) => {
      response.statusCode = failing ? 500 : 200;
      response.end();
    })),
);
afterAll(() => server.close());

const scenario = () => ({
  name: 'toy-kind',
  target: { baseUrl: server.url },
  load: notAboutTheGenerator({ warmup: false }),
  requests: [{ path: '/' }],
  phases: [{ name: 'steady', duration: '2s', rate: 10 }],
  slos: [],
  checks: [{ kind: 'quiet-seconds', phase: 'steady' }] as never,
});

describe('a check kind of your own, from one file (test/checks/toy-check-kind.ts) and one registration', () => {
  it('is validated with its defaults, described by plan, judged by run (PASS and FAIL) and shown in the report; a kind nobody registered is refused', async () => {
    registerCheckKind(quietSecondsKind);
    expect(() => registerCheckKind(quietSecondsKind)).toThrow(/already registered/);
    expect(() =>
      validateScenario({ ...scenario(), checks: [{ kind: 'quiet-secondz', phase: 'steady' }] as never }),
    ).toThrow(/checks\[0\]\.kind/);
    // The schema is built at the first validation: a kind registered after it would not be seen, so it is refused.
    expect(() => registerCheckKind({ ...quietSecondsKind, kind: 'too-late' })).toThrow(/registered too late/);

    const validated = validateScenario(scenario());
    expect(validated.checks[0]).toEqual({ kind: 'quiet-seconds', phase: 'steady', maxErrorSeconds: 0 });
    expect(renderPlan(validated, buildTimeline(validated))).toContain('check: at most 0 seconds with a failed request');

    const healthy = await runScenario(scenario());
    const quiet = healthy.checks.find((c) => c.metric === 'quiet-seconds');
    expect(quiet, JSON.stringify(healthy.checks)).toMatchObject({ status: 'pass', observed: 0 });
    expect(healthy.verdict).toBe('pass');

    failing = true;
    const broken = await runScenario(scenario());
    failing = false;
    expect(broken.checks.find((c) => c.metric === 'quiet-seconds')).toMatchObject({ status: 'fail' });
    expect(broken.verdict).toBe('fail');

    const reportDir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-toy-kind-'));
    const written = await writeReports(broken, reportDir);
    const summary = await readFile(
      written.find((file) => file.endsWith('summary.md'))!,
      'utf8',
    );
    expect(summary).toMatch(/quiet seconds <= 0[^\n]*seconds with errors/);
    const html = await readFile(
      written.find((file) => file.endsWith('report.html'))!,
      'utf8',
    );
    expect(html).toContain('quiet seconds &lt;= 0');
  });
});
