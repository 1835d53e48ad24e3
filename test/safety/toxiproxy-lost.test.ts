import { describe, expect, it } from 'vitest';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

describe('a Toxiproxy that disappears mid-run', () => {
  it(
    'stops the load, ends the run inconclusive with the reason, writes the report and exits 3',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await writeTempScenario({
        name: 'toxiproxy-lost',
        target: { baseUrl: target.baseUrl },
        toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
        requests: [{ path: '/' }],
        phases: [
          { name: 'chaos', duration: '60s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 10 }] },
        ],
      });
      const cli = startCli(['run', file, '--report-dir', reportDir]);
      await cli.waitForOutput(/fault on/);
      const lostAtMs = Date.now();
      await target.toxiproxy.stop();
      expect(await cli.exit).toBe(3);
      expect(Date.now() - lostAtMs).toBeLessThan(15_000);
      const report = await readOnlyReport(reportDir);
      expect(report.verdict, report.verdictReason).toBe('inconclusive');
      expect(report.verdictReason).toMatch(/^Toxiproxy stopped answering mid-run/);
      expect(report.phases[0].requests).toBeGreaterThan(0);
      expect(cli.stdout()).toContain('INCONCLUSIVE');
    },
  );
});
