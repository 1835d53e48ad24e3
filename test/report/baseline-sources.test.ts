import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../harness/errors/ordeal-error.ts';
import { readBaseline, type BaselineSource } from '../../harness/report/read-baseline.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { DEFAULT_ALLOWLIST } from '../../harness/scenario/scenario-schema.ts';
import { syntheticReport } from '../support/synthetic-report.ts';
import { startTestServer } from '../support/test-server.ts';

/**
 * `--baseline` from each kind of source: a report.json, a run folder, a report folder (its latest passing run of
 * the scenario), an allowlisted URL; and each way it can be wrong, refused with exit 2 before any load.
 */
const warnings: string[] = [];
const source = (scenarioName = 'checkout'): BaselineSource => ({
  scenarioName,
  policy: { allowlist: DEFAULT_ALLOWLIST, allowNonLoopback: false },
  onWarning: (message) => warnings.push(message),
});

const run = (runId: string, scenario: string, verdict: RunReport['verdict'], startedAt: string): RunReport =>
  syntheticReport(runId, [{ name: 'steady', p95PerSecondMs: [10, 11, 12] }], {
    scenario: { name: scenario },
    verdict,
    startedAt,
  });

async function reportFolder(runs: RunReport[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-baselines-'));
  for (const report of runs) {
    await mkdir(path.join(dir, report.runId));
    await writeFile(path.join(dir, report.runId, 'report.json'), JSON.stringify(report));
  }
  return dir;
}

const usageError = (message: RegExp) =>
  expect.objectContaining({ code: 'ORDEAL_ERR_USAGE', message: expect.stringMatching(message) });

describe('--baseline', () => {
  it('a report folder: its latest passing run of this scenario, not a later failing one nor another scenario', async () => {
    const dir = await reportFolder([
      run('r1', 'checkout', 'pass', '2026-12-01T10:00:00Z'),
      run('r2', 'checkout', 'pass', '2026-12-02T10:00:00Z'),
      run('r3', 'checkout', 'fail', '2026-12-03T10:00:00Z'),
      run('r4', 'search', 'pass', '2026-12-04T10:00:00Z'),
    ]);
    const chosen = await readBaseline(dir, source());
    expect(chosen?.report.runId).toBe('r2');
    expect(chosen?.file).toBe(path.join(dir, 'r2', 'report.json'));
    // `ordeal report` on a folder that holds the run itself never takes it as its own baseline.
    expect((await readBaseline(dir, { ...source(), exceptRunId: 'r2' }))?.report.runId).toBe('r1');
  });

  it("a run folder, and a report.json: that run, whatever its verdict (the user's explicit choice)", async () => {
    const dir = await reportFolder([run('r3', 'checkout', 'fail', '2026-12-03T10:00:00Z')]);
    expect((await readBaseline(path.join(dir, 'r3'), source()))?.report.runId).toBe('r3');
    expect((await readBaseline(path.join(dir, 'r3', 'report.json'), source()))?.report.runId).toBe('r3');
  });

  it("a report folder with no passing run of the scenario (a pipeline's first run): a warning, compared with none", async () => {
    warnings.length = 0;
    const dir = await reportFolder([run('r1', 'search', 'pass', '2026-12-01T10:00:00Z')]);
    expect(await readBaseline(dir, source())).toBeUndefined();
    expect(await readBaseline(await reportFolder([]), source())).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(
        /holds no passing run of scenario "checkout" \(of 1 run there\); this run is compared with none/,
      ),
      expect.stringMatching(/holds no passing run of scenario "checkout" \(of 0 runs there\)/),
    ]);
  });

  it('nothing at the path, or a file that is not a report: exit 2 with the reason', async () => {
    await expect(readBaseline('/nonexistent/reports', source())).rejects.toEqual(
      usageError(/--baseline: "\/nonexistent\/reports" cannot be read as a report\.json \(no such file/),
    );
    const dir = await reportFolder([]);
    await writeFile(path.join(dir, 'notes.json'), '{"hello": 1}');
    await expect(readBaseline(path.join(dir, 'notes.json'), source())).rejects.toEqual(
      usageError(/is not an ordeal report\.json \(expected schemaVersion 1/),
    );
  });

  it('a URL on loopback: the report it serves; a 404, a redirect or a page that is not a report: exit 2', async () => {
    const report = run('r9', 'checkout', 'pass', '2026-12-05T10:00:00Z');
    await using server = await startTestServer((request, response) => {
      if (request.url === '/main/report.json') response.end(JSON.stringify(report));
      else if (request.url === '/moved') response.writeHead(302, { location: '/main/report.json' }).end();
      else if (request.url === '/page') response.end('<html>artifacts</html>');
      else response.writeHead(404).end('not found');
    });
    const chosen = await readBaseline(`${server.url}/main/report.json`, source());
    expect(chosen).toEqual({ file: `${server.url}/main/report.json`, report });
    await expect(readBaseline(`${server.url}/gone/report.json`, source())).rejects.toEqual(
      usageError(/answered 404, not a report\.json/),
    );
    await expect(readBaseline(`${server.url}/moved`, source())).rejects.toEqual(usageError(/answered 302/));
    await expect(readBaseline(`${server.url}/page`, source())).rejects.toEqual(
      usageError(/"http:\/\/127\.0\.0\.1:\d+\/page" cannot be read as a report\.json \(Unexpected token/),
    );
  });

  it('a URL off the allowlist or off loopback is refused before anything is sent; one that does not answer is exit 2', async () => {
    await expect(readBaseline('http://10.20.30.40/report.json', source())).rejects.toEqual(
      expect.objectContaining({
        code: 'ORDEAL_ERR_TARGET_NOT_ALLOWED',
        message: expect.stringMatching(/^--baseline: /),
      }),
    );
    await using closed = await startTestServer(() => undefined);
    await closed.close();
    const refused = await readBaseline(`${closed.url}/report.json`, source()).catch((error: OrdealError) => error);
    expect(refused).toEqual(usageError(/cannot be read \(.*ECONNREFUSED/));
  });
});
