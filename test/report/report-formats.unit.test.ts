import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli/program.ts';
import { renderJunit } from '../../harness/report/junit-reporter.ts';
import { renderMarkdown } from '../../harness/report/markdown-reporter.ts';
import { publishReport } from '../../harness/report/publish-report.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { bufferIo } from '../support/buffer-io.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';

const check = (
  name: string,
  phase: string,
  status: 'pass' | 'fail' | 'inconclusive',
  observed: number | null,
  expected: string,
): RunReport['checks'][number] =>
  ({
    name,
    phase,
    metric: 'http_req_duration',
    status,
    passed: status === 'pass',
    observed,
    expected,
    ...(status === 'inconclusive' ? { reason: 'no request completed' } : {}),
  }) satisfies RunReport['checks'][number];

function reportWithChecks(): RunReport {
  return syntheticReport(
    'junit-run',
    [
      { name: 'peak', p95PerSecondMs: noisy(200, 20, 10) },
      { name: 'slow & <odd>', p95PerSecondMs: noisy(900, 20, 10) },
    ],
    {
      verdict: 'fail',
      checks: [
        check('http_req_duration p(95)<500', 'peak', 'pass', 201, 'p(95)<500'),
        check('http_req_duration p(95)<500', 'slow & <odd>', 'fail', 903.5, 'p(95)<500'),
        check('http_req_duration p(99)<1000', 'slow & <odd>', 'fail', 1355, 'p(99)<1000'),
        check('http_req_duration p(99)<1000', 'peak', 'inconclusive', null, 'p(99)<1000'),
      ],
    },
  );
}

describe('JUnit XML', () => {
  it('is valid XML a JUnit consumer parses: one testcase per check per phase, one <failure> per failed check with observed vs expected', () => {
    const xml = renderJunit(reportWithChecks());
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    }).parse(xml);
    const suites = parsed.testsuites.testsuite as {
      name: string;
      tests: string;
      failures: string;
      testcase: { name: string; failure?: { message: string }; skipped?: unknown }[];
    }[];
    expect(parsed.testsuites).toMatchObject({ tests: '4', failures: '2', skipped: '1' });
    expect(suites.map((s) => s.name)).toEqual(['synthetic / peak', 'synthetic / slow & <odd>']);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(4);
    const failures = cases.filter((c) => c.failure);
    expect(failures.map((c) => c.failure!.message)).toEqual([
      'observed 904 ms, expected p(95)<500',
      'observed 1355 ms, expected p(99)<1000',
    ]);
    expect(cases.filter((c) => c.skipped !== undefined)).toHaveLength(1);
  });

  it('adds an error case when the run was aborted', () => {
    const xml = renderJunit({ ...reportWithChecks(), verdict: 'aborted', verdictReason: 'stopped by guard "storm"' });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<error message="stopped by guard &quot;storm&quot;" type="aborted"/>');
  });
});

describe('ordeal report <report.json>', () => {
  async function stored(report: RunReport, dir: string): Promise<string> {
    const { files } = await publishReport(report, dir, { compare: false });
    return files.find((f) => f.endsWith('report.json'))!;
  }

  it('re-renders every format from the JSON, and with --baseline flags a regression beyond tolerance', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-report-'));
    const baseline = await stored(
      syntheticReport('base', [{ name: 'peak', p95PerSecondMs: noisy(200, 20, 30, 1) }]),
      dir,
    );
    const current = await stored(
      syntheticReport('slower', [{ name: 'peak', p95PerSecondMs: noisy(300, 20, 30, 2) }], {
        startedAt: '2026-11-27T11:00:00.000Z',
      }),
      dir,
    );
    const io = bufferIo();
    expect(await runCli(['report', current, '--baseline', baseline], io)).toBe(0);
    expect(io.out()).toMatch(/wrote .*slower\/report\.html/);
    expect(io.out()).toMatch(/2 regression\(s\) against base: peak p95, peak p99/);
    const html = await readFile(path.join(path.dirname(current), 'report.html'), 'utf8');
    expect(html).toContain('Compared with base');
    expect(html).toContain('data-regression="true"');
    const markdown = await readFile(path.join(path.dirname(current), 'summary.md'), 'utf8');
    expect(markdown).toContain('❌ regression');
    expect(JSON.parse(await readFile(current, 'utf8')).comparison.regressions).toBe(2);
    // The run index in the parent folder is rewritten too, and said, like every file written.
    expect(io.out()).toContain(`wrote ${path.join(dir, 'index.html')}`);
    const index = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(index).toContain('base');
    expect(index).toContain('slower');
  });

  it('compared with itself, finds no regression', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-report-'));
    const file = await stored(syntheticReport('same', [{ name: 'peak', p95PerSecondMs: noisy(200, 20, 30, 1) }]), dir);
    const io = bufferIo();
    expect(await runCli(['report', file, '--baseline', file], io)).toBe(0);
    expect(io.out()).toMatch(/no regression against same/);
  });

  it('refuses a file that is not a report.json with exit 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-report-'));
    const bogus = path.join(dir, 'report.json');
    await writeFile(bogus, '{"hello": 1}');
    const io = bufferIo();
    expect(await runCli(['report', bogus], io)).toBe(2);
    expect(io.err()).toContain(`<report.json>: "${bogus}" is not an ordeal report.json`);
  });

  it('refuses a hand-edited note that is not a note with exit 2, naming it, and writes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-report-'));
    const file = path.join(dir, 'report.json');
    const report = reportWithChecks();
    for (const annotations of [
      [{ at: report.startedAt, phase: null, text: { x: 1 } }],
      [{ at: 'yesterday', phase: null, text: 'ok' }],
      'a note',
    ]) {
      await writeFile(file, JSON.stringify({ ...report, annotations }));
      const io = bufferIo();
      expect(await runCli(['report', file], io)).toBe(2);
      expect(io.err()).toMatch(
        /annotations(\[0\])? is .+, not a note \(expected \{ at: an ISO time, phase: a name or null, text: text \}\); fix or remove it/,
      );
    }
    expect((await readdir(dir)).sort()).toEqual(['report.json']);
  });

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-report-'));
    const stepSummary = path.join(dir, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    await publishReport(reportWithChecks(), dir, { compare: false, stepSummaryFile: stepSummary });
    const text = await readFile(stepSummary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text).toContain('# ordeal: synthetic — **FAIL**');
    expect(text).toContain('| http_req_duration p(95)<500 | slow & <odd> |');
  });

  it("shows operators' notes as typed: a note cannot split the table, link, load an image or emphasise", () => {
    const report = reportWithChecks();
    const at = new Date(Date.parse(report.startedAt) + 12_000).toISOString();
    const text = renderMarkdown({
      ...report,
      annotations: [
        {
          at,
          phase: 'peak',
          text: 'a | b ![x](http://198.51.100.1/t.png) [link](javascript:x) **loud** <img>',
          source: 'console',
        },
      ],
    });
    const row = text.split('\n').find((line) => line.includes('a \\| b'))!;
    expect(row).toBe(
      '| +12.0 s | peak | a \\| b \\!\\[x\\]\\(http://198.51.100.1/t.png\\) \\[link\\]\\(javascript:x\\) \\*\\*loud\\*\\* \\<img\\> |',
    );
    // Three cells, whatever was typed.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(3);
  });
});

describe('failed health samples on the timeline', () => {
  it('become one cross-hatched band per run of failures, named for the path probed', async () => {
    const { chartData } = await import('../../harness/report/html/chart-data.ts');
    const { renderTimelineSvg } = await import('../../harness/report/html/timeline-svg.ts');
    const base = syntheticReport('health-run', [{ name: 'p', p95PerSecondMs: [10, 10, 10, 10, 10] }]);
    const t0 = Date.parse(base.startedAt);
    const at = (s: number) => new Date(t0 + s * 1_000).toISOString();
    const samples = [0, 1, 2, 3, 4].map((s) => ({
      at: at(s),
      ok: s !== 1 && s !== 2,
      status: s === 1 || s === 2 ? 503 : 200,
      latencyMs: 3,
    }));
    const report: RunReport = {
      ...base,
      signals: { ...base.signals, health: [{ probe: 'ready', path: '/actuator/health/readiness', samples }] },
    };
    const bands = chartData(report).bands.filter((b) => b.kind === 'health');
    // Seconds since the run started, like every time on the page.
    expect(bands).toEqual([
      { label: '/actuator/health/readiness failing', startSec: 1, endSec: 2, kind: 'health', detail: 'HTTP 503' },
    ]);
    expect(renderTimelineSvg(bands, 0, 5)).toContain(
      'data-kind="health" data-label="/actuator/health/readiness failing"',
    );
  });
});
