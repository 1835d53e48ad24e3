import { fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processStateOf } from '../../harness/process/process-identity.ts';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { startCountingServerProcess } from '../support/counting-server-process.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { until } from '../support/until.ts';

// One by default; ORDEAL_KILL_ROUNDS=20 for the long attack (each round a fresh run, killed at a random moment while paused).
const KILLS = Number(process.env.ORDEAL_KILL_ROUNDS ?? 1);

/** Each phase's verdict on its error-rate SLO. */
const statusByPhase = (report: Record<string, any>): Record<string, string> =>
  Object.fromEntries((report['checks'] as { phase: string; status: string }[]).map((c) => [c.phase, c.status]));

/** The restart check on the first phase's kill of "service". */
const RESTART_CHECK = { kind: 'restart', phase: 'faulted', process: 'service', within: '2500ms' };
const restartStatus = (report: Record<string, any>): string | undefined =>
  (report['checks'] as { metric: string; status: string }[]).find((c) => c.metric === 'restart')?.status;

/** A scenario of two phases against `url`, the first holding `fault` on the process "service" of `pidFile`. */
function twoPhases(url: string, pidFile: string, fault: Record<string, unknown>, firstMs = 3_000) {
  return {
    name: 'process-fault',
    target: { baseUrl: url },
    load: notAboutTheGenerator({ warmup: false, timeout: '500ms' }),
    requests: [{ path: '/' }],
    processes: [{ name: 'service', pidFile }],
    phases: [
      { name: 'faulted', duration: `${firstMs}ms`, rate: 20, faults: [{ process: 'service', ...fault }] },
      { name: 'after', duration: '3s', rate: 20 },
    ],
    slos: [{ http_req_failed: ['rate<0.05'] }],
  };
}

/** A service in a process of its own, its pid in a pid file, and a scenario file of twoPhases against it. */
async function serviceWithScenario(fault: Record<string, unknown>, firstMs?: number) {
  const service = await startCountingServerProcess();
  const { file, reportDir } = await writeTempScenario({});
  const pidFile = path.join(path.dirname(file), 'service.pid');
  await writeFile(pidFile, `${service.pid}\n`);
  await writeFile(file, JSON.stringify(twoPhases(service.url, pidFile, fault, firstMs)));
  return { service, file, reportDir };
}

/** `ordeal run` of a pause of `firstMs`, once the service is seen stopped. */
async function pausedRun(firstMs: number) {
  const setup = await serviceWithScenario({ kind: 'pause' }, firstMs);
  const run = startCli(['run', setup.file, '--report-dir', setup.reportDir]);
  await run.waitForOutput(/fault on: service pause/, 30_000);
  await until(async () => (await processStateOf(setup.service.pid)) === 'T', 5_000, 10);
  return { ...setup, run };
}

describe('faults on processes (pause, kill)', () => {
  it(
    'pause: the service frozen for its phase FAILS that phase, is resumed at its end and PASSES the next; the report names the pid and the undo',
    { timeout: 60_000 },
    async () => {
      const { service: started, file, reportDir } = await serviceWithScenario({ kind: 'pause' });
      await using service = started;

      const planned = await runCli(['plan', file], {}, 30_000);
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain(`process service: pid ${service.pid} (`);

      const run = await runCli(['run', file, '--report-dir', reportDir], {}, 45_000);
      expect(run.code, run.stderr + run.stdout).toBe(1);
      expect(await processStateOf(service.pid)).not.toBe('T');
      const report = await readOnlyReport(reportDir);
      expect(statusByPhase(report)).toEqual({ faulted: 'fail', after: 'pass' });
      expect(report['faults']).toMatchObject([
        {
          phase: 'faulted',
          kind: 'pause',
          proxy: 'service',
          process: { pid: service.pid, outcome: 'resumed (SIGCONT)' },
        },
      ]);
      expect(report['faults'][0].removedAt).not.toBeNull();
    },
  );

  it(
    'kill: SIGKILL as the phase starts, the supervisor brings the service back, and the report says under which pid',
    { timeout: 60_000 },
    async () => {
      const { file, reportDir } = await writeTempScenario({});
      const pidFile = path.join(path.dirname(file), 'service.pid');
      const port = await findFreePort();
      const supervisor = fork(fileURLToPath(new URL('../support/supervised-server.mjs', import.meta.url)), [
        String(port),
        pidFile,
      ]);
      try {
        const firstPid = await new Promise<number>((resolve) =>
          supervisor.once('message', (m) => resolve((m as { up: number }).up)),
        );
        const scenario = twoPhases(`http://127.0.0.1:${port}`, pidFile, { kind: 'kill' });
        await writeFile(file, JSON.stringify({ ...scenario, checks: [RESTART_CHECK] }));
        const run = await runCli(['run', file, '--report-dir', reportDir], {}, 45_000);
        const report = await readOnlyReport(reportDir);
        const [fault] = report['faults'] as {
          process: { pid: number; outcome: string; runningAgainAfterMs: number };
        }[];
        // Timed by the restart check: seen back (a new pid in the pid file) well within its bound.
        expect(restartStatus(report), run.stdout).toBe('pass');
        expect(fault!.process.runningAgainAfterMs).toBeLessThan(2_500);
        expect(fault!.process.pid).toBe(firstPid);
        const now = Number((await readFile(pidFile, 'utf8')).trim());
        expect(now).not.toBe(firstPid);
        expect(fault!.process.outcome).toMatch(new RegExp(`^running again as pid ${now} \\(`));
        // Back within the phase: the next one is served in full.
        expect(statusByPhase(report)['after'], run.stderr).toBe('pass');
      } finally {
        supervisor.kill('SIGTERM');
      }
    },
  );

  it(
    'kill with nothing to restart it: the restart check FAILS, saying how long after the kill it was last seen gone',
    { timeout: 60_000 },
    async () => {
      const { service: started, file } = await serviceWithScenario({ kind: 'kill' });
      await using _service = started;
      const scenario = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...scenario, checks: [RESTART_CHECK] }));
      const { reportDir } = await writeTempScenario({});
      const run = await runCli(['run', file, '--report-dir', reportDir], {}, 45_000);
      expect(run.code).toBe(1);
      const report = await readOnlyReport(reportDir);
      expect(restartStatus(report)).toBe('fail');
      const [check] = (report['checks'] as { metric: string; reason: string }[]).filter((c) => c.metric === 'restart');
      expect(check!.reason).toMatch(
        /^not running again [\d.]+ s after the kill \(not running again at the phase's end/,
      );
      const [fault] = report['faults'] as { process: { runningAgainAfterMs: number | null } }[];
      expect(fault!.process.runningAgainAfterMs).toBeNull();
    },
  );

  it(
    `kill -9 of ordeal while a process is paused: its watchdog resumes it within 1 s (${KILLS}× at a random moment)`,
    { timeout: 60_000 + KILLS * 15_000 },
    async () => {
      const resumedAfterMs: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const { service: started, run } = await pausedRun(30_000);
        await using service = started;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_500));
        run.child.kill('SIGKILL');
        const resumedMs = await until(async () => (await processStateOf(service.pid)) !== 'T', 5_000, 10);
        expect(resumedMs, `kill ${kill + 1}: resumed ${resumedMs} ms after kill -9`).toBeLessThan(1_000);
        resumedAfterMs.push(Math.round(resumedMs));
        await run.exit;
      }
      console.info(`kill -9 ×${KILLS} while paused: resumed after ${resumedAfterMs.join(', ')} ms`);
    },
  );

  it(
    'a paused process someone else resumes mid-phase: that phase is INCONCLUSIVE, saying so',
    { timeout: 60_000 },
    async () => {
      const { service: started, run, reportDir } = await pausedRun(4_000);
      await using service = started;
      process.kill(service.pid, 'SIGCONT');
      expect(await run.exit, run.stderr()).toBe(5);
      const report = await readOnlyReport(reportDir);
      const faulted = (report['checks'] as { phase: string; status: string; reason: string }[]).find(
        (c) => c.phase === 'faulted',
      );
      expect(faulted).toMatchObject({ status: 'inconclusive' });
      expect(faulted!.reason).toMatch(new RegExp(`pid ${service.pid} was resumed by something else`));
    },
  );

  it(
    'refuses before any load: pid 1, a pattern that matches nothing, an undeclared process (exit 2, the field named)',
    { timeout: 60_000 },
    async () => {
      await using service = await startCountingServerProcess();
      const { file } = await writeTempScenario({});
      const pidFile = path.join(path.dirname(file), 'init.pid');
      await writeFile(pidFile, '1\n');
      const attempt = async (scenario: object): Promise<string> => {
        await writeFile(file, JSON.stringify(scenario));
        const run = await runCli(['run', file], {}, 30_000);
        expect(run.code, run.stderr).toBe(2);
        return run.stderr;
      };
      const base = twoPhases(service.url, pidFile, { kind: 'pause' });
      expect(await attempt(base)).toMatch(
        /processes\[0\] \("service"\): pid 1 is init \(pid 1\): never a fault target/,
      );
      expect(await attempt({ ...base, processes: [{ name: 'service', match: 'no-such-process-[0-9]{12}' }] })).toMatch(
        /processes\[0\] \("service"\)\.match: no running process's command line matches/,
      );
      expect(
        await attempt({ ...base, phases: [{ ...base.phases[0], faults: [{ process: 'servcie', kind: 'kill' }] }] }),
      ).toMatch(/phases\[0\]\.faults\[0\]\.process.*"servcie" is not declared in processes \(declared: service\)/s);
      expect(await service.received()).toBe(0);
    },
  );
});
