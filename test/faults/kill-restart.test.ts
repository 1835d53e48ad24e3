import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { isProcessAlive, writeLease } from '../../harness/faults/fault-lease.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const START = fileURLToPath(new URL('../support/start-detached-server.mjs', import.meta.url));
const servers: number[] = [];
afterEach(async () => {
  for (const pid of servers.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});

const pidIn = async (pidFile: string): Promise<number> => Number((await readFile(pidFile, 'utf8')).trim());

/** A service no supervisor restarts, its pid file, and a scenario killing it with `restart` as its restart. */
async function killedWithRestart(restart: object, phases: object[]) {
  const { file, reportDir } = await writeTempScenario({});
  const pidFile = path.join(path.dirname(file), 'service.pid');
  const port = await findFreePort();
  const command = [process.execPath, START, String(port), pidFile];
  execFileSync(command[0]!, command.slice(1));
  const firstPid = await pidIn(pidFile);
  servers.push(firstPid);
  await writeFile(
    file,
    JSON.stringify({
      name: 'kill-restart',
      target: { baseUrl: `http://127.0.0.1:${port}` },
      load: notAboutTheGenerator({ warmup: false, timeout: '500ms' }),
      requests: [{ path: '/' }],
      processes: [{ name: 'service', pidFile }],
      phases: phases.map((phase, index) =>
        index === 0
          ? { ...phase, faults: [{ process: 'service', kind: 'kill', restart: { command, ...restart } }] }
          : phase,
      ),
      slos: [{ http_req_failed: ['rate<0.05'] }],
    }),
  );
  return { file, reportDir, pidFile, firstPid, port };
}

describe('kill with a restart command of the scenario (issue 31)', () => {
  it(
    'runs it after the kill: the service is back for the next phase, and the report says by what and as which pid',
    { timeout: 60_000 },
    async () => {
      const { file, reportDir, pidFile, firstPid } = await killedWithRestart({ afterMs: 1_000 }, [
        { name: 'killed', duration: '3s', rate: 20 },
        { name: 'after', duration: '3s', rate: 20 },
      ]);
      const run = await runCli(['run', file, '--report-dir', reportDir], {}, 45_000);
      const now = await pidIn(pidFile);
      servers.push(now);
      expect(now).not.toBe(firstPid);
      const report = await readOnlyReport(reportDir);
      const [fault] = report['faults'] as { process: { pid: number; outcome: string } }[];
      expect(fault!.process.pid).toBe(firstPid);
      expect(fault!.process.outcome).toMatch(
        new RegExp(
          `^restart command .*start-detached-server\\.mjs \\d+ \\S+ exited 0; running again as pid ${now} \\(`,
        ),
      );
      const statusOf = Object.fromEntries(
        (report['checks'] as { phase: string; status: string }[]).map((c) => [c.phase, c.status]),
      );
      // Down for the second before the restart: the killed phase fails, the next is served in full.
      expect(statusOf, run.stderr).toEqual({ killed: 'fail', after: 'pass' });
    },
  );

  it(
    'kill -9 of ordeal before the restart is due: its watchdog runs it; if both died, ordeal cleanup does',
    { timeout: 60_000 },
    async () => {
      const { file, reportDir, pidFile, firstPid, port } = await killedWithRestart({ afterMs: 60_000 }, [
        { name: 'killed', duration: '30s', rate: 5 },
      ]);
      const run = startCli(['run', file, '--report-dir', reportDir]);
      await run.waitForOutput(/fault on: service kill/, 30_000);
      await expect.poll(() => isProcessAlive(firstPid), { timeout: 5_000 }).toBe(false);
      run.child.kill('SIGKILL');
      const killedAt = performance.now();
      await expect.poll(() => pidIn(pidFile), { timeout: 10_000, interval: 50 }).not.toBe(firstPid);
      const backMs = Math.round(performance.now() - killedAt);
      servers.push(await pidIn(pidFile));
      console.log(
        `kill -9 of ordeal before the restart was due: the watchdog's restart had the service back in ${backMs} ms`,
      );
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');

      // Harness and watchdog both gone before it ran: the lease still holds the command, and ordeal cleanup runs it.
      const second = await pidIn(pidFile);
      process.kill(second, 'SIGKILL');
      const command = [process.execPath, START, String(port), pidFile];
      await writeLease({
        runId: 'R-restart-dead',
        pid: 2 ** 22 + 1,
        toxiproxyUrl: '',
        hostname: os.hostname(),
        startedAt: new Date().toISOString(),
        restarts: [{ id: 'R-restart-dead-process-1', command, cwd: process.cwd() }],
      });
      const cleanup = await runCli(['cleanup'], {}, 30_000);
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stdout).toMatch(/ordeal cleanup: run R-restart-dead: restart command .* exited 0/);
      const third = await pidIn(pidFile);
      servers.push(third);
      expect(third).not.toBe(second);
      expect(isProcessAlive(third)).toBe(true);
    },
  );
});
