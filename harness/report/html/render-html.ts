import { formatObserved, formatSeconds } from '../format-number.ts';
import type { RunReport } from '../run-report.ts';
import type { ComparisonReport } from '../../compare/compare-runs.ts';
import { PHASE_ROW_HEADERS, phaseRow, STEP_ROW_HEADERS, stepRows } from '../phase-row.ts';
import { chartData } from './chart-data.ts';
import { escapeHtml as e, jsonForScript } from './escape-html.ts';
import type { HtmlAssets } from './html-assets.ts';
import { errorKindLines } from '../what-went-wrong.ts';
import { renderTimelineSvg } from './timeline-svg.ts';
import { sinceStart, utcTime } from '../run-time.ts';

const VERDICT_MARK = { pass: '✔ PASS', fail: '✖ FAIL', inconclusive: '⚠ INCONCLUSIVE', aborted: '■ ABORTED' } as const;
const STATUS_MARK = { pass: '✔ pass', fail: '✖ FAIL', inconclusive: '? inconclusive' } as const;

function table(headers: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = headers.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${e(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function phasesTable(report: RunReport): string {
  return table(
    [...PHASE_ROW_HEADERS, 'faults'],
    report.phases.map((p) => [...phaseRow(p).map(e), e(p.faults.join('; ') || '—')]),
    new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  );
}

const STATUS_ORDER = { fail: 0, inconclusive: 1, pass: 2 } as const;

/** Checks grouped by phase, in the run's phase order; in each group failures first, highlighted. */
function checksTable(report: RunReport): string {
  const order = new Map(report.phases.map((p, i) => [p.name, i]));
  const phases = [...new Set(report.checks.map((c) => c.phase))].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
  const groups = phases.map((phase) => {
    const checks = report.checks.filter((c) => c.phase === phase).sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
    const failed = checks.filter((c) => c.status !== 'pass').length;
    const head = `<tr class="phase-group" data-phase-group="${e(phase)}"><th colspan="4">${e(phase)}</th><th class="group-tally">${failed ? `${failed} of ${checks.length} not passed` : `${checks.length} passed`}</th></tr>`;
    const rows = checks.map(
      (c) =>
        `<tr class="check-${c.status}" data-check-status="${c.status}"><td>${e(c.name)}</td><td class="num">${e(formatObserved(c.observed, c.metric, c.expected, c.unit))}</td><td><code>${e(c.expected)}</code></td>` +
        `<td colspan="2"><span class="status status-${c.status}" data-status="${c.status}">${STATUS_MARK[c.status]}</span>${c.reason ? ` <span class="reason">${e(c.reason)}</span>` : ''}</td></tr>`,
    );
    return `<tbody>${head}${rows.join('')}</tbody>`;
  });
  return `<table class="checks"><thead><tr><th>check</th><th class="num">observed</th><th>expected</th><th colspan="2">result</th></tr></thead>${groups.join('\n')}</table>`;
}

function comparisonSection(comparison: ComparisonReport | undefined): string {
  if (!comparison) return '';
  const rows = comparison.findings.map((f) => [
    e(f.phase),
    e(f.metric),
    f.baseline === null ? '—' : e(String(f.baseline)),
    f.current === null ? '—' : e(String(f.current)),
    f.changePercent === null ? '—' : `${f.changePercent > 0 ? '+' : ''}${f.changePercent.toFixed(1)}%`,
    f.pValue === null ? '—' : f.pValue.toFixed(4),
    `<span class="status status-${f.regression ? 'fail' : 'pass'}" data-regression="${f.regression}">${f.regression ? '✖ regression' : '✔ no regression'}</span> <span class="reason">${e(f.reason)}</span>`,
  ]);
  return `<h2>Compared with ${e(comparison.baselineRunId)}</h2><p class="reason">${e(comparison.summary)}</p>${table(['phase', 'metric', 'baseline', 'this run', 'change', 'p (Mann-Whitney)', 'result'], rows, new Set([2, 3, 4, 5]))}`;
}

/** A link that moves the charts' cursor to the start of a phase. */
function momentLink(report: RunReport, phaseName: string): string {
  const phase = report.phases.find((p) => p.name === phaseName);
  if (!phase?.start) return '';
  const at = (Date.parse(phase.start) - Date.parse(report.startedAt)) / 1_000;
  return ` <a href="#charts" data-at="${at.toFixed(1)}">on the charts (+${at.toFixed(0)} s)</a>`;
}

/** Connections are the closed model's virtual users; an open model sends at a rate instead. */
function loadLine(report: RunReport): string {
  const { driver, model, connections, timeScale } = report.load;
  const shape = model === 'open' ? 'open model (arrivals at the target rate)' : `closed model, ${connections} virtual users`;
  return `${driver}, ${shape}, time scale ${timeScale}`;
}

/** One self-contained page: no network, uPlot and the data inlined. */
export function renderHtml(report: RunReport, assets: HtmlAssets): string {
  const data = chartData(report);
  const resilience = report.resilience.length
    ? `<h2>Resilience timings</h2>${table(
        ['reaction', 'detect', 'recover', 'failover gap', 'scale-up'],
        report.resilience.map((r) => [e(`${r.phase}${r.faults.length ? ` (${r.faults.join('; ')})` : ''}`), formatSeconds(r.timeToDetectMs), formatSeconds(r.timeToRecoverMs), formatSeconds(r.failoverGapMs), formatSeconds(r.scaleUpLatencyMs)]),
        new Set([1, 2, 3, 4]),
      )}`
    : '';
  const since = (iso: string): string => sinceStart(report, iso);
  const guards = report.guards.length
    ? `<h2>Guards</h2>${table(['guard', 'condition', 'result'], report.guards.map((g) => [e(g.name), `<code>${e(g.condition)}</code>`, g.tripped ? `<span class="status status-fail">■ tripped</span> at ${g.trippedAt ? since(g.trippedAt) : '?'}: ${e(g.observed ?? '')}` : '<span class="status status-pass">✔ never tripped</span>']))}`
    : '';
  const faults = report.faults.length
    ? `<h2>Faults</h2>${table(['phase', 'fault', 'applied', 'removed'], report.faults.map((f) => [e(f.phase), e(f.description), since(f.appliedAt), f.removedAt ? since(f.removedAt) : '<strong>not removed</strong>']), new Set([2, 3]))}`
    : '';
  // Failure first: what decided a verdict that is not a pass, above every chart.
  const deciding = report.checks.filter((c) => c.status === (report.verdict === 'inconclusive' ? 'inconclusive' : 'fail'));
  const errorLines = errorKindLines(report);
  const wentWrong = report.verdict !== 'pass' && (deciding.length > 0 || errorLines.length > 0)
    ? `<section class="went-wrong" id="went-wrong" data-went-wrong><h2>What went wrong</h2><ul>${deciding
        .map((c) => `<li data-check="${e(c.name)}"><strong>${e(c.phase)}</strong> — ${e(c.name)}: observed ${e(formatObserved(c.observed, c.metric, c.expected, c.unit))}, expected <code>${e(c.expected)}</code>${c.reason ? ` — ${e(c.reason)}` : ''}${momentLink(report, c.phase)}</li>`)
        .join('')}</ul>${errorLines.length ? `<p data-error-kinds><strong>Errors by kind:</strong> ${e(errorLines.join('; '))}</p>` : ''}</section>`
    : '';
  const env = report.environment;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>ordeal: ${e(report.scenario.name)} — ${report.verdict.toUpperCase()}</title>
<style>${assets.uplotCss}</style>
<style>${assets.reportCss}</style>
</head>
<body>
<header>
<h1>ordeal: ${e(report.scenario.name)}</h1>
<div class="verdict verdict-${report.verdict}" data-verdict="${report.verdict}">${VERDICT_MARK[report.verdict]}</div>
<div class="reason">${e(report.verdictReason)}${report.error ? ` — harness error: ${e(report.error)}` : ''}</div>
<div class="run-line" data-run-line>started ${e(utcTime(report.startedAt))} · ${e((report.durationMs / 1_000).toFixed(1))} s${report.load.timeScale !== 1 ? ` · time scale ${e(String(report.load.timeScale))}× (phases shortened)` : ''} · every time below is relative to this start</div>
</header>
${wentWrong}
<h2>Timeline</h2>
${renderTimelineSvg(data.bands, data.startSec, data.endSec)}
<p class="legend-note">Phases alternate grey; fault windows are hatched (also in every chart below); alerts are dotted (denser: critical); failing health probes are cross-hatched; a tripped guard is a dashed line marked ■.</p>
<div id="charts"></div>
<h2>Phases</h2>
${phasesTable(report)}
${stepRows(report).length > 0 ? `<h2>Steps and flows</h2>${table([...STEP_ROW_HEADERS], stepRows(report).map((row) => row.map(e)), new Set([2, 3, 4, 5, 6]))}` : ''}
<h2>Checks</h2>
${checksTable(report)}
${resilience}
${guards}
${faults}
${comparisonSection(report.comparison)}
<h2>Run</h2>
<dl class="meta">
<dt>run id</dt><dd>${e(report.runId)}</dd>
<dt>scenario</dt><dd>${e(report.scenario.name)}${report.scenario.file ? ` (${e(report.scenario.file)})` : ''}${report.scenario.description ? ` — ${e(report.scenario.description)}` : ''}</dd>
<dt>target</dt><dd>${e(report.target)}</dd>
<dt>load</dt><dd>${e(loadLine(report))}</dd>
<dt>start</dt><dd>${e(utcTime(report.startedAt))}</dd>
<dt>end</dt><dd>${since(report.endedAt)}</dd>
<dt>ordeal</dt><dd>${e(env.ordeal)}</dd>
<dt>machine</dt><dd>${e(`${env.hostname}, ${env.platform}, ${env.cpus} CPUs, Node ${env.node}`)}</dd>
</dl>
<script type="application/json" id="ordeal-data">${jsonForScript(data)}</script>
<script>${assets.uplotJs}</script>
<script>${assets.chartsJs}</script>
</body>
</html>
`;
}
