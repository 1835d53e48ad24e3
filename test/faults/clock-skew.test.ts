import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import marketDataClockSkew from '../../scenarios/market-data-clock-skew.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { runCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const HAS_LIBFAKETIME = existsSync('/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1');

const resultsOf = (report: Awaited<ReturnType<typeof runScenario>>) =>
  report.checks.map((c) => `${c.phase} ${c.name}: ${c.status} ${c.observed ?? ''}${c.reason ? ` (${c.reason})` : ''}`);

describe.skipIf(!HAS_LIBFAKETIME)('clock_skew: a bundled service started under libfaketime', () => {
  it(
    "scenarios/market-data-clock-skew.ts: market-data's wall clock 30 s behind for its phase (the gateway measures it and alerts), back at its end",
    { timeout: 120_000 },
    async () => {
      // About the service's clock, not the generator: its send lag is judged loosely.
      const report = await runScenario({ ...marketDataClockSkew, load: notAboutTheGenerator() }, { timeScale: 0.5 });
      expect(report.verdict, resultsOf(report).join('\n')).toBe('pass');
      const measured = report.checks.find((c) => c.name.startsWith('market-data clock 30 s off'));
      // What the gateway saw: quotes stamped 30 s behind its own clock (network time on top), and 0 after.
      expect(measured!.observed).toBeGreaterThanOrEqual(29.9);
      expect(measured!.observed).toBeLessThan(31);
      const [fault] = report.faults;
      expect(fault).toMatchObject({ kind: 'clock_skew', proxy: 'market-data' });
      expect(fault!.process!.outcome).toBe('wall clock set back (offset 0)');
      expect(fault!.process!.command).toMatch(/service-main/);
    },
  );
});

describe('clock_skew: refused before anything starts (exit 2, nothing sent)', () => {
  it(
    'on a process of yours (a running process cannot be skewed), and without libfaketime',
    { timeout: 60_000 },
    async () => {
      const declared = await writeTempScenario({
        name: 'skew-own',
        target: { baseUrl: 'http://127.0.0.1:9' },
        processes: [{ name: 'api', pidFile: '/run/api.pid' }],
        requests: [{ path: '/' }],
        phases: [
          { name: 'skewed', duration: '1s', rate: 1, faults: [{ process: 'api', kind: 'clock_skew', offsetSec: 60 }] },
        ],
        slos: [],
      });
      const own = await runCli(['plan', declared.file]);
      expect(own.code).toBe(2);
      expect(own.stderr).toMatch(
        /phases\[0\]\.faults\[0\]\.process: "api" is not a process ordeal starts: clock_skew acts on the bundled stack's services/,
      );

      const bundled = await writeTempScenario({
        name: 'skew-no-lib',
        stack: { kind: 'bundled' },
        requests: [{ path: '/api/quotes/ACME' }],
        phases: [
          {
            name: 'skewed',
            duration: '1s',
            rate: 1,
            faults: [{ process: 'market-data', kind: 'clock_skew', offsetSec: -5 }],
          },
        ],
        slos: [],
      });
      for (const args of [['plan'], ['run', '--report-dir', bundled.reportDir]]) {
        const missing = await runCli([...args, bundled.file], {
          ORDEAL_LIBFAKETIME: '/nonexistent/libfaketimeMT.so.1',
        });
        expect(missing.code, missing.stderr).toBe(2);
        expect(missing.stderr).toMatch(
          /a clock_skew fault needs libfaketime \(ORDEAL_LIBFAKETIME=\/nonexistent\/libfaketimeMT\.so\.1 is not a file\): apt-get install libfaketime/,
        );
        expect(missing.stdout + missing.stderr).not.toMatch(/phase skewed/);
      }
    },
  );
});
