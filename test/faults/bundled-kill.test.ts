import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import primaryKilled from '../../scenarios/primary-killed.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { alive } from '../support/alive.ts';

/** The bundled stack's ledger-primary killed by a `kill` fault and brought back by the stack's own supervisor. */
const killedWith = (stack: { failover?: boolean }) => ({
  ...primaryKilled,
  stack: { kind: 'bundled' as const, ...stack },
  // About failover, not the generator: its own send lag is judged loosely.
  load: notAboutTheGenerator(),
  // Judged on what failover is for, orders succeeding: beside other tests the primary's restart (a Node process
  // starting, a CPU-second) slowed the gateway past the published p95 in a phase of 7.5 s (a CI run).
  slos: [{ http_req_failed: ['rate<0.01'] }],
  // The supervisor's restart, timed by ordeal (no Prometheus needed; the game day judges the failover check too).
  checks: primaryKilled.checks.filter((c) => c.kind === 'restart'),
});

/** The bundled services this test's process runs now (its children running fixtures/services/service-main). */
const serviceProcesses = (): string[] =>
  spawnSync('pgrep', ['-a', '-P', String(process.pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.includes('service-main'));

/** Phases of 5, 7.5 and 5 s: the restart (~1 s) is still a good share of the killed phase. */
const HALF_TIME = { timeScale: 0.5 };

const statusOf = (report: Awaited<ReturnType<typeof runScenario>>, phase: string) =>
  report.checks
    .filter((c) => c.phase === phase)
    .map((c) => `${c.name}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`);

describe('scenarios/primary-killed.ts: failover judged with a killed primary', () => {
  it(
    'PASSES with failover (orders go to the replica while the supervisor restarts the primary), FAILS without it',
    { timeout: 120_000 },
    async () => {
      const healthy = await runScenario(killedWith({}), HALF_TIME);
      expect(healthy.verdict, statusOf(healthy, 'ledger-primary-killed').join('\n')).toBe('pass');
      const [fault] = healthy.faults;
      expect(fault).toMatchObject({ kind: 'kill', proxy: 'ledger-primary' });
      expect(fault!.process!.outcome).toMatch(/^running again as pid \d+/);
      expect(fault!.process!.outcome).not.toContain(`pid ${fault!.process!.pid} `);
      // The run's end stops the process the supervisor started, and nothing starts another (one supervisor per
      // service: a second one once restarted it after the stop, and the CLI waited on it forever).
      const restartedPid = Number(/running again as pid (\d+)/.exec(fault!.process!.outcome!)![1]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(alive(restartedPid), `pid ${restartedPid} still running`).toBe(false);
      expect(serviceProcesses()).toEqual([]);
      expect(statusOf(healthy, 'ledger-primary-killed')).toContainEqual(
        expect.stringMatching(/^ledger-primary runs again within 5s: pass/),
      );

      const broken = await runScenario(killedWith({ failover: false }), HALF_TIME);
      const killed = statusOf(broken, 'ledger-primary-killed');
      expect(
        killed.some((c) => /http_req_failed.*: fail/.test(c)),
        killed.join('\n'),
      ).toBe(true);
      expect(broken.verdict).toBe('fail');
    },
  );
});
