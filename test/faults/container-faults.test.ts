import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLease } from '../../harness/faults/fault-lease.ts';
import { ensureDockerEngine } from '../support/docker-engine.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { startServiceContainer, type ServiceContainer } from '../support/service-container.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { ensureLocalToxiproxyImage } from '../support/toxiproxy-image.ts';
import { until } from '../support/until.ts';

const engine = await ensureDockerEngine();
if (!engine.missing) await ensureLocalToxiproxyImage();
afterAll(() => engine.stop());

const statusByPhase = (report: Record<string, any>): Record<string, string> =>
  Object.fromEntries((report['checks'] as { phase: string; status: string }[]).map((c) => [c.phase, c.status]));

/** A scenario against the container's HTTP API: each phase of `phases` (name → faults on "service"), 3 s at 20/s. */
function scenarioOn(service: ServiceContainer, phases: Record<string, object[]>, declared?: object) {
  return {
    name: 'container-fault',
    target: { baseUrl: service.url },
    load: notAboutTheGenerator({ warmup: false, timeout: '500ms' }),
    requests: [{ path: '/version' }],
    containers: [declared ?? { name: 'service', container: service.name }],
    phases: Object.entries(phases).map(([name, faults]) => ({
      name,
      duration: '3s',
      rate: 20,
      faults: faults.map((fault) => ({ container: 'service', ...fault })),
    })),
    slos: [{ http_req_failed: ['rate<0.05'] }],
  };
}

async function scenarioFile(scenario: object) {
  const { file, reportDir } = await writeTempScenario(scenario);
  return { file, reportDir };
}

/** `ordeal run` of one phase of `duration` pausing the container, once the engine says it is paused. */
async function pausedRun(service: ServiceContainer, duration: string) {
  const scenario = scenarioOn(service, { frozen: [{ kind: 'container_pause' }] });
  const { file, reportDir } = await scenarioFile({ ...scenario, phases: [{ ...scenario.phases[0]!, duration }] });
  const run = startCli(['run', file, '--report-dir', reportDir]);
  await until(async () => (await service.state()).status === 'paused', 30_000, 50);
  return { run, reportDir };
}

describe.skipIf(engine.missing !== undefined)(
  `faults on containers, through the Docker Engine API${engine.missing ? ` (skipped: ${engine.missing})` : ''}`,
  () => {
    it(
      'container_pause and container_stop: the phase FAILS, the container is unpaused or started at its end and the next phase PASSES; plan shows the container',
      { timeout: 120_000 },
      async () => {
        await using service = await startServiceContainer();
        const paused = await scenarioFile(scenarioOn(service, { frozen: [{ kind: 'container_pause' }], after: [] }));
        const planned = await runCli(['plan', paused.file], {}, 30_000);
        expect(planned.code, planned.stderr).toBe(0);
        expect(planned.stdout).toContain(`container service: ${service.name} (${service.id.slice(0, 12)}`);

        const run = await runCli(['run', paused.file, '--report-dir', paused.reportDir], {}, 60_000);
        expect(run.code, run.stderr + run.stdout).toBe(1);
        expect((await service.state()).status).toBe('running');
        const report = await readOnlyReport(paused.reportDir);
        expect(statusByPhase(report)).toEqual({ frozen: 'fail', after: 'pass' });
        expect(report['faults']).toMatchObject([
          {
            phase: 'frozen',
            kind: 'container_pause',
            proxy: 'service',
            container: { id: service.id, outcome: 'unpaused' },
          },
        ]);

        const stopped = await scenarioFile(
          scenarioOn(service, { stopped: [{ kind: 'container_stop', stopTimeoutSec: 1 }], after: [] }),
        );
        const stopRun = await runCli(['run', stopped.file, '--report-dir', stopped.reportDir], {}, 60_000);
        expect(stopRun.code, stopRun.stderr + stopRun.stdout).toBe(1);
        expect((await service.state()).status).toBe('running');
        const stopReport = await readOnlyReport(stopped.reportDir);
        expect(statusByPhase(stopReport)).toEqual({ stopped: 'fail', after: 'pass' });
        expect(stopReport['phases'][0].errorsByKind.refused).toBeGreaterThan(0);
        expect(stopReport['faults'][0].container.outcome).toBe('started again');
      },
    );

    it(
      'container_kill leaves the restart to its restart policy and says it came back; container_restart bounces it',
      { timeout: 120_000 },
      async () => {
        await using service = await startServiceContainer({ restart: 'always' });
        const { file, reportDir } = await scenarioFile(
          scenarioOn(service, {
            killed: [{ kind: 'container_kill' }],
            between: [],
            bounced: [{ kind: 'container_restart', stopTimeoutSec: 1 }],
          }),
        );
        const run = await runCli(['run', file, '--report-dir', reportDir], {}, 60_000);
        const report = await readOnlyReport(reportDir);
        const outcomes = (report['faults'] as { kind: string; container: { outcome: string } }[]).map(
          (f) => `${f.kind}: ${f.container.outcome}`,
        );
        expect(outcomes, run.stderr).toEqual([
          expect.stringMatching(/^container_kill: running again \(restarted 1× by its restart policy\)$/),
          'container_restart: running again',
        ]);
        expect(statusByPhase(report)['between'], run.stderr).toBe('pass');
        // Running after the bounce (a manual restart sets Docker's restart count back to 0).
        expect((await service.state()).status).toBe('running');
      },
    );

    it(
      'kill -9 of ordeal while a container is paused: its watchdog unpauses it; if both died, ordeal cleanup does, from the lease',
      { timeout: 120_000 },
      async () => {
        await using service = await startServiceContainer();
        // One long paused phase: ordeal is killed in it.
        const { run } = await pausedRun(service, '60s');
        run.child.kill('SIGKILL');
        const unpausedMs = await until(async () => (await service.state()).status === 'running', 10_000, 50);
        console.log(
          `kill -9 of ordeal with a container paused: unpaused by its watchdog after ${Math.round(unpausedMs)} ms`,
        );
        expect(unpausedMs).toBeLessThan(5_000);

        // Harness and watchdog both gone: the lease still says what to undo, and ordeal cleanup does it.
        execFileSync('docker', ['pause', service.id]);
        await writeLease({
          runId: 'R-container-dead',
          pid: 2 ** 22 + 1,
          toxiproxyUrl: '',
          hostname: os.hostname(),
          startedAt: new Date().toISOString(),
          containers: [
            { id: service.id, name: service.name, undo: 'unpause', docker: { socketPath: '/var/run/docker.sock' } },
          ],
        });
        const cleanup = await runCli(['cleanup'], {}, 30_000);
        expect(cleanup.code, cleanup.stderr).toBe(0);
        expect(cleanup.stdout).toContain(
          `run R-container-dead: container ${service.name} (${service.id.slice(0, 12)}): unpaused`,
        );
        expect((await service.state()).status).toBe('running');
      },
    );

    it(
      'a paused container someone else unpauses mid-phase: that phase is INCONCLUSIVE, saying so',
      { timeout: 120_000 },
      async () => {
        await using service = await startServiceContainer();
        const { run, reportDir } = await pausedRun(service, '6s');
        execFileSync('docker', ['unpause', service.id]);
        expect(await run.exit, run.stderr()).toBe(5);
        const report = await readOnlyReport(reportDir);
        expect(report['checks'][0]).toMatchObject({ phase: 'frozen', status: 'inconclusive' });
        expect(report['checks'][0].reason).toContain(`container ${service.name} was unpaused by something else`);
        expect(report['faults'][0].container.outcome).toBe('found running: unpaused by something else');
      },
    );

    it(
      'refuses before any load: a label two containers carry, an engine off this machine, an undeclared container (exit 2)',
      { timeout: 120_000 },
      async () => {
        await using one = await startServiceContainer({ labels: { 'ordeal.test': 'twice' } });
        await using two = await startServiceContainer({ labels: { 'ordeal.test': 'twice' } });
        const attempt = async (scenario: object, env: NodeJS.ProcessEnv = {}): Promise<string> => {
          const { file } = await scenarioFile(scenario);
          const run = await runCli(['run', file], env, 30_000);
          expect(run.code, run.stderr).toBe(2);
          return run.stderr;
        };
        const paused = { frozen: [{ kind: 'container_pause' }] };
        expect(await attempt(scenarioOn(one, paused, { name: 'service', label: 'ordeal.test=twice' }))).toMatch(
          /containers\[0\] \("service"\): 2 containers match label ordeal\.test=twice \(.*\); name exactly one/,
        );
        expect(await attempt(scenarioOn(one, paused), { DOCKER_HOST: 'tcp://10.1.2.3:2375' })).toMatch(
          /DOCKER_HOST "tcp:\/\/10\.1\.2\.3:2375": container faults reach only an engine on this machine/,
        );
        const typo = scenarioOn(one, paused);
        expect(
          await attempt({
            ...typo,
            phases: [{ ...typo.phases[0], faults: [{ container: 'servcie', kind: 'container_stop' }] }],
          }),
        ).toMatch(
          /phases\[0\]\.faults\[0\]\.container.*"servcie" is not declared in containers \(declared: service\)/s,
        );
        expect((await one.state()).status).toBe('running');
        expect((await two.state()).status).toBe('running');
      },
    );
  },
);
