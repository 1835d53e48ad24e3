import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { formatMs, formatPercent } from './format-number.ts';
import { utcTime } from './run-time.ts';
import { describeCheck } from './what-went-wrong.ts';
import { escapeHtml as e } from './html/escape-html.ts';
import type { RunReport } from './run-report.ts';
import { readRunHistory, type StoredRun } from './run-history.ts';

const VERDICT_MARK = { pass: '✔ PASS', fail: '✖ FAIL', inconclusive: '⚠ INCONCLUSIVE', aborted: '■ ABORTED' } as const;

/** The worst phase's p95/p99 (and which phase) and the whole run's error rate: the key figures of a run. */
export function keyFigures(report: RunReport): {
  p95Ms: number | null;
  p99Ms: number | null;
  worstPhase: string | null;
  errorRate: number | null;
} {
  const measured = report.phases.filter(
    (p): p is typeof p & { latencyMs: NonNullable<typeof p.latencyMs> } => p.latencyMs !== null,
  );
  const worst = measured.reduce<(typeof measured)[number] | undefined>(
    (a, b) => (a === undefined || b.latencyMs.p95 > a.latencyMs.p95 ? b : a),
    undefined,
  );
  const requests = report.phases.reduce((sum, p) => sum + p.requests, 0);
  const errors = report.phases.reduce((sum, p) => sum + p.errors, 0);
  return {
    p95Ms: worst ? worst.latencyMs.p95 : null,
    p99Ms: measured.length ? Math.max(...measured.map((p) => p.latencyMs.p99)) : null,
    worstPhase: worst?.name ?? null,
    errorRate: requests > 0 ? errors / requests : null,
  };
}

/** The check to look at first: the first that decided a verdict that is not a pass. */
function worstCheck(report: RunReport): RunReport['checks'][number] | undefined {
  if (report.verdict === 'pass') return undefined;
  return report.checks.find((c) => c.status === (report.verdict === 'inconclusive' ? 'inconclusive' : 'fail'));
}

interface TrendPoint {
  value: number | null;
  report: RunReport;
  href: string;
}

/**
 * One figure over runs as a small chart: a y axis with its top and zero
 * labelled, the last value written out, a marker per run (● pass, ■ not; a
 * hollow marker for a run at a time scale other than 1, whose figures are
 * not comparable) that links to the run and names it, its value and its
 * time scale on hover.
 */
function trendChart(points: TrendPoint[], label: string, format: (v: number | null) => string): string {
  const width = 300;
  const height = 84;
  const left = 52;
  const right = 64;
  const top = 8;
  const bottom = 20;
  const present = points.filter((p): p is TrendPoint & { value: number } => p.value !== null);
  if (present.length === 0)
    return `<svg class="trend" width="${width}" height="${height}" role="img" aria-label="${e(label)}: no data"><text x="${left}" y="${height / 2}" class="axis">no data</text></svg>`;
  const peak = Math.max(...present.map((p) => p.value));
  const max = peak || 1;
  const plotWidth = width - left - right;
  const xOf = (i: number): number => left + (points.length > 1 ? (i * plotWidth) / (points.length - 1) : plotWidth / 2);
  const yOf = (v: number): number => top + (1 - v / max) * (height - top - bottom);
  const line = points
    .map((p, i) => (p.value === null ? null : `${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const marks = points
    .map((p, i) => {
      if (p.value === null) return '';
      const x = xOf(i);
      const y = yOf(p.value);
      const scaled = p.report.load.timeScale !== 1;
      const colour = p.report.verdict === 'pass' ? '#007a4d' : '#b3261e';
      const paint = scaled ? `fill="#fff" stroke="${colour}" stroke-width="1.5"` : `fill="${colour}"`;
      const shape =
        p.report.verdict === 'pass'
          ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" ${paint}/>`
          : `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" ${paint}/>`;
      const hover = `${p.report.runId}: ${format(p.value)} — ${p.report.verdict.toUpperCase()}, started ${utcTime(p.report.startedAt)}, time scale ${p.report.load.timeScale}×`;
      return `<a href="${e(p.href)}" data-run="${e(p.report.runId)}"><title>${e(hover)}</title>${shape}</a>`;
    })
    .join('');
  const last = present[present.length - 1]!;
  const axis =
    `<line x1="${left - 4}" y1="${top}" x2="${left - 4}" y2="${height - bottom}" stroke="#999" stroke-width="0.8"/>` +
    `<line x1="${left - 4}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#999" stroke-width="0.8"/>` +
    (peak > 0 ? `<text class="axis" x="${left - 7}" y="${top + 4}" text-anchor="end">${e(format(peak))}</text>` : '') +
    `<text class="axis" x="${left - 7}" y="${height - bottom + 3}" text-anchor="end">0</text>` +
    `<text class="axis" x="${left}" y="${height - 4}">${points.length} run${points.length === 1 ? '' : 's'}, oldest → newest</text>` +
    `<text class="last" x="${width - right + 6}" y="${(yOf(last.value) + 4).toFixed(1)}">${e(format(last.value))}</text>`;
  return `<svg class="trend" width="${width}" height="${height}" role="img" aria-label="${e(label)} over ${points.length} runs, last ${e(format(last.value))}, max ${e(format(peak))}"><title>${e(label)}</title>${axis}<polyline points="${line}" fill="none" stroke="#0072B2" stroke-width="1.5"/>${marks}</svg>`;
}

export function renderRunIndex(runs: readonly StoredRun[], reportDir: string): string {
  const hrefOf = (file: string): string =>
    `${path.relative(reportDir, path.dirname(file)).split(path.sep).join('/')}/report.html`;
  const byScenario = new Map<string, StoredRun[]>();
  for (const run of runs)
    byScenario.set(run.report.scenario.name, [...(byScenario.get(run.report.scenario.name) ?? []), run]);
  const trends = [...byScenario].map(([scenario, list]) => {
    const points = (pick: (f: ReturnType<typeof keyFigures>) => number | null): TrendPoint[] =>
      list.map((r) => ({ value: pick(keyFigures(r.report)), report: r.report, href: hrefOf(r.file) }));
    return `<section data-scenario="${e(scenario)}"><h2>${e(scenario)} — ${list.length} run(s)</h2><div class="trends">
<figure><figcaption>p95 of the worst phase (ms)</figcaption>${trendChart(
      points((f) => f.p95Ms),
      `${scenario} worst-phase p95`,
      (v) => `${formatMs(v)} ms`,
    )}</figure>
<figure><figcaption>p99 of the worst phase (ms)</figcaption>${trendChart(
      points((f) => f.p99Ms),
      `${scenario} worst-phase p99`,
      (v) => `${formatMs(v)} ms`,
    )}</figure>
<figure><figcaption>error rate, whole run</figcaption>${trendChart(
      points((f) => f.errorRate),
      `${scenario} error rate`,
      formatPercent,
    )}</figure>
</div></section>`;
  });
  const rows = [...runs].reverse().map(({ file, report }) => {
    const f = keyFigures(report);
    const href = hrefOf(file);
    const check = worstCheck(report);
    // A checkpoint says where the run stood (in progress, or interrupted), not the first "so far" check.
    const why =
      check && !report.checkpoint
        ? `<a href="${e(href)}#went-wrong" data-worst-check>${e(describeCheck(check))}</a>`
        : `${report.checkpoint && !report.checkpoint.interrupted ? '<span data-in-progress>● in progress</span> ' : ''}${e(report.verdictReason)}`;
    return `<tr data-verdict="${report.verdict}"><td><a href="${e(href)}">${e(report.runId)}</a></td><td>${e(report.scenario.name)}</td><td>${e(utcTime(report.startedAt).replace(/ UTC$/, ''))}</td><td class="num">${(report.durationMs / 1_000).toFixed(1)} s${report.load.timeScale !== 1 ? ` <span class="scaled" title="phases shortened: figures are not comparable with a full run">at ${report.load.timeScale}×</span>` : ''}</td><td class="v-${report.verdict}">${VERDICT_MARK[report.verdict]}</td><td class="num">${formatMs(f.p95Ms)}${f.worstPhase ? ` <span class="phase">(${e(f.worstPhase)})</span>` : ''}</td><td class="num">${formatMs(f.p99Ms)}</td><td class="num">${formatPercent(f.errorRate)}${report.errorBudget?.total.budgetShare != null ? ` <span class="budget" title="share of the ${(report.errorBudget.periodMs / 3_600_000).toString()} h error budget (objective ${report.errorBudget.objective * 100} %) this run used">budget ${(report.errorBudget.total.budgetShare * 100).toFixed(1)} %</span>` : ''}</td><td>${why}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ordeal runs</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; max-width: 1200px; margin: 0 auto; padding: 24px; color: #1d1d1f; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d9dce1; vertical-align: top; } .num { text-align: right; white-space: nowrap; }
.v-pass { color: #007a4d; font-weight: 600; } .v-fail, .v-aborted { color: #b3261e; font-weight: 600; } .v-inconclusive { color: #8a5a00; font-weight: 600; }
.trends { display: flex; gap: 24px; flex-wrap: wrap; } figure { margin: 0; } figcaption { font-size: 12px; color: #5f6368; }
svg.trend text { font: 10px system-ui, sans-serif; fill: #5f6368; } svg.trend text.last { fill: #1d1d1f; font-weight: 600; }
.phase, .scaled { color: #5f6368; font-size: 12px; }
</style></head><body>
<h1>ordeal runs</h1>
<p>${runs.length} run(s). Trend markers: ● pass, ■ not pass; hollow: a run at a time scale other than 1× (shortened phases, not comparable). Hover a marker for its run; click to open it. Times are UTC.</p>
${trends.join('\n')}
<h2>All runs, newest first</h2>
<table><thead><tr><th>run</th><th>scenario</th><th>started (UTC)</th><th class="num">duration</th><th>verdict</th><th class="num">p95 ms (worst phase)</th><th class="num">p99 ms (worst phase)</th><th class="num">errors</th><th>why (the check to look at first)</th></tr></thead>
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
