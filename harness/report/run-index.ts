import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { formatMs, formatPercent } from './format-number.ts';
import { escapeHtml as e } from './html/escape-html.ts';
import type { RunReport } from './run-report.ts';
import { readRunHistory, type StoredRun } from './run-history.ts';

const VERDICT_MARK = { pass: '✔ PASS', fail: '✖ FAIL', inconclusive: '⚠ INCONCLUSIVE', aborted: '■ ABORTED' } as const;

/** The worst phase's p95/p99 and the whole run's error rate: the key figures of a run. */
export function keyFigures(report: RunReport): { p95Ms: number | null; p99Ms: number | null; errorRate: number | null } {
  const latencies = report.phases.map((p) => p.latencyMs).filter((l): l is NonNullable<typeof l> => l !== null);
  const requests = report.phases.reduce((sum, p) => sum + p.requests, 0);
  const errors = report.phases.reduce((sum, p) => sum + p.errors, 0);
  return {
    p95Ms: latencies.length ? Math.max(...latencies.map((l) => l.p95)) : null,
    p99Ms: latencies.length ? Math.max(...latencies.map((l) => l.p99)) : null,
    errorRate: requests > 0 ? errors / requests : null,
  };
}

/** A small inline-SVG line of one figure over runs, with a marker per run (shape by verdict, not colour alone). */
function sparkline(values: (number | null)[], verdicts: RunReport['verdict'][], label: string): string {
  const width = 260;
  const height = 48;
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return `<svg class="trend" width="${width}" height="${height}" role="img" aria-label="${e(label)}: no data"></svg>`;
  const max = Math.max(...present) || 1;
  const step = values.length > 1 ? (width - 12) / (values.length - 1) : 0;
  const points = values.map((v, i) => (v === null ? null : { x: 6 + i * step, y: height - 6 - (v / max) * (height - 12), verdict: verdicts[i]! }));
  const line = points.filter((p) => p !== null).map((p) => `${p!.x.toFixed(1)},${p!.y.toFixed(1)}`).join(' ');
  const marks = points
    .filter((p) => p !== null)
    .map((p) => (p!.verdict === 'pass' ? `<circle cx="${p!.x.toFixed(1)}" cy="${p!.y.toFixed(1)}" r="3" fill="#007a4d"/>` : `<rect x="${(p!.x - 3.5).toFixed(1)}" y="${(p!.y - 3.5).toFixed(1)}" width="7" height="7" fill="#b3261e"/>`))
    .join('');
  return `<svg class="trend" width="${width}" height="${height}" role="img" aria-label="${e(label)} over ${values.length} runs, max ${max}"><title>${e(label)}</title><polyline points="${line}" fill="none" stroke="#0072B2" stroke-width="1.5"/>${marks}</svg>`;
}

export function renderRunIndex(runs: readonly StoredRun[], reportDir: string): string {
  const byScenario = new Map<string, StoredRun[]>();
  for (const run of runs) byScenario.set(run.report.scenario.name, [...(byScenario.get(run.report.scenario.name) ?? []), run]);
  const trends = [...byScenario].map(([scenario, list]) => {
    const figures = list.map((r) => keyFigures(r.report));
    const verdicts = list.map((r) => r.report.verdict);
    return `<section data-scenario="${e(scenario)}"><h2>${e(scenario)} — ${list.length} run(s)</h2><div class="trends">
<figure><figcaption>worst phase p95 (ms)</figcaption>${sparkline(figures.map((f) => f.p95Ms), verdicts, `${scenario} p95`)}</figure>
<figure><figcaption>worst phase p99 (ms)</figcaption>${sparkline(figures.map((f) => f.p99Ms), verdicts, `${scenario} p99`)}</figure>
<figure><figcaption>error rate</figcaption>${sparkline(figures.map((f) => f.errorRate), verdicts, `${scenario} error rate`)}</figure>
</div></section>`;
  });
  const rows = [...runs].reverse().map(({ file, report }) => {
    const f = keyFigures(report);
    const dir = path.relative(reportDir, path.dirname(file)).split(path.sep).join('/');
    return `<tr data-verdict="${report.verdict}"><td><a href="${e(dir)}/report.html">${e(report.runId)}</a></td><td>${e(report.scenario.name)}</td><td>${e(report.startedAt)}</td><td class="v-${report.verdict}">${VERDICT_MARK[report.verdict]}</td><td class="num">${formatMs(f.p95Ms)}</td><td class="num">${formatMs(f.p99Ms)}</td><td class="num">${formatPercent(f.errorRate)}</td><td>${e(report.verdictReason)}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ordeal runs</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; max-width: 1200px; margin: 0 auto; padding: 24px; color: #1d1d1f; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d9dce1; } .num { text-align: right; }
.v-pass { color: #007a4d; font-weight: 600; } .v-fail, .v-aborted { color: #b3261e; font-weight: 600; } .v-inconclusive { color: #8a5a00; font-weight: 600; }
.trends { display: flex; gap: 24px; flex-wrap: wrap; } figure { margin: 0; } figcaption { font-size: 12px; color: #5f6368; }
</style></head><body>
<h1>ordeal runs</h1>
<p>${runs.length} run(s). Trend markers: ● pass, ■ not pass.</p>
${trends.join('\n')}
<h2>All runs, newest first</h2>
<table><thead><tr><th>run</th><th>scenario</th><th>started</th><th>verdict</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th class="num">errors</th><th>why</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}

/** Rewrites `<reportDir>/index.html` from every run folder in it. */
export async function writeRunIndex(reportDir: string): Promise<string> {
  const file = path.join(reportDir, 'index.html');
  await writeFileAtomic(file, renderRunIndex(await readRunHistory(reportDir), reportDir));
  return file;
}
