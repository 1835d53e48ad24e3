import { describeErrorBudget } from '../error-budget.ts';
import { formatObserved, formatSeconds } from '../format-number.ts';
import type { RunReport } from '../run-report.ts';
import type { ComparisonReport } from '../run-report.ts';
import { PHASE_ROW_HEADERS, phaseRow, STEP_ROW_HEADERS, stepRows } from '../phase-row.ts';
import { chartData } from './chart-data.ts';
import { escapeHtml as e, jsonForScript } from './escape-html.ts';
import type { HtmlAssets } from './html-assets.ts';
import { errorKindLines } from '../what-went-wrong.ts';
import { renderTimelineSvg } from './timeline-svg.ts';
import { sinceStart, utcTime } from '../run-time.ts';

/** A report of a run still going (the live console): which checks are settled, which phase runs. */
export interface LiveView {
  /** The phase running now, if any. */
  runningPhase?: string;
  /** settled: its data is complete and it cannot change; provisional: judged on the data so far; pending: its phase has not run. */
  checkState: (check: { name: string; phase: string }) => 'settled' | 'provisional' | 'pending';
}

const VERDICT_MARK = { pass: '✔ PASS', fail: '✖ FAIL', inconclusive: '⚠ INCONCLUSIVE', aborted: '■ ABORTED' } as const;
const STATUS_MARK = { pass: '✔ pass', fail: '✖ FAIL', inconclusive: '? inconclusive' } as const;

function table(headers: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = headers.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${e(h)}</th>`).join('');
  const body = rows
    .map(
      (row) => `<tr>${row.map((cell, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`,
    )
    .join('\n');
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

/**
 * What a check shows: its status; or, mid-run, pending (its phase has not
 * run) or waiting (judged so far on too little evidence: not a verdict yet,
 * and its reason may speak of a run that ended).
 */
function shownStatus(
  c: RunReport['checks'][number],
  live: LiveView | undefined,
): RunReport['checks'][number]['status'] | 'pending' | 'waiting' {
  const state = live?.checkState(c) ?? 'settled';
  if (state === 'pending') return 'pending';
  return state === 'provisional' && c.status === 'inconclusive' ? 'waiting' : c.status;
}

const WAITING_TEXT = {
  pending:
    '<span class="status status-pending" data-status="pending">… pending</span> <span class="reason">its phase has not run yet</span>',
  waiting:
    '<span class="status status-pending" data-status="waiting">… waiting</span> <span class="reason">not enough evidence yet</span>',
} as const;

/** Checks grouped by phase, in the run's phase order; in each group failures first, highlighted. */
function checksTable(report: RunReport, live?: LiveView): string {
  const order = new Map(report.phases.map((p, i) => [p.name, i]));
  const phases = [...new Set(report.checks.map((c) => c.phase))].sort(
    (a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9),
  );
  const groups = phases.map((phase) => {
    const checks = report.checks
      .filter((c) => c.phase === phase)
      .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
    const shown = checks.map((c) => shownStatus(c, live));
    const count = (...statuses: string[]): number => shown.filter((s) => statuses.includes(s)).length;
    const [failed, open] = [count('fail', 'inconclusive'), count('pending', 'waiting')];
    const tally = failed
      ? `${failed} of ${checks.length} not passed`
      : open
        ? `${count('pass')} passed, ${open} still open`
        : `${checks.length} passed`;
    const head = `<tr class="phase-group" data-phase-group="${e(phase)}"><th colspan="4">${e(phase)}</th><th class="group-tally">${tally}</th></tr>`;
    const rows = checks.map((c, i) => {
      const state = live?.checkState(c) ?? 'settled';
      const status = shown[i]!;
      const open = status === 'pending' || status === 'waiting';
      const result = open
        ? WAITING_TEXT[status]
        : `<span class="status status-${status}" data-status="${status}">${STATUS_MARK[status]}</span>${state === 'provisional' ? ' <span class="so-far">so far</span>' : ''}${c.reason ? ` <span class="reason">${e(c.reason)}</span>` : ''}`;
      const observed = open ? '—' : e(formatObserved(c.observed, c.metric, c.expected, c.unit));
      return `<tr class="check-${status}" data-check-status="${status}" data-check-state="${state}"><td>${e(c.name)}</td><td class="num">${observed}</td><td><code>${e(c.expected)}</code></td><td colspan="2">${result}</td></tr>`;
    });
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
  const shape =
    model === 'open' ? 'open model (arrivals at the target rate)' : `closed model, ${connections} virtual users`;
  return `${driver}, ${shape}, time scale ${timeScale}`;
}

/** The report's sections (all but the page around them), and the charts' data: the report page and the live console both show these. */
export function renderReportBody(
  report: RunReport,
  live?: LiveView,
): { html: string; chartData: ReturnType<typeof chartData> } {
  const data = live
    ? { ...chartData(report), emptyNote: 'Nothing recorded yet: each second appears about 2 s after it ends.' }
    : chartData(report);
  const resilience = resilienceSection(report);
  const guards = guardsSection(report, live);
  const faults = faultsSection(report, live);
  const notes = notesSection(report);
  const wentWrong = wentWrongSection(report, live);
  const header = live
    ? `<div class="verdict verdict-running" data-verdict="running">● RUNNING</div>
<div class="reason">${live.runningPhase ? `phase ${e(live.runningPhase)}` : 'between phases'} · checks turn final as their phases end; the verdict comes at the end</div>`
    : `<div class="verdict verdict-${report.verdict}" data-verdict="${report.verdict}">${VERDICT_MARK[report.verdict]}</div>
<div class="reason">${e(report.verdictReason)}${report.error ? ` — harness error: ${e(report.error)}` : ''}</div>`;
  const html = `<header>
<h1>ordeal: ${e(report.scenario.name)}</h1>
${header}
<div class="run-line" data-run-line>started ${e(utcTime(report.startedAt))} · ${e((report.durationMs / 1_000).toFixed(1))} s${live ? ' so far' : ''}${report.load.timeScale !== 1 ? ` · time scale ${e(String(report.load.timeScale))}× (phases shortened)` : ''} · every time below is relative to this start</div>
</header>
${report.errorBudget ? `<p class="budget" data-error-budget>${e(describeErrorBudget(report.errorBudget))}</p>` : ''}
${(report.warnings ?? []).length > 0 ? `<section class="warnings" data-warnings><ul>${report.warnings.map((w) => `<li>⚠ ${e(w)}</li>`).join('')}</ul></section>` : ''}
${wentWrong}
<h2>Timeline</h2>
${renderTimelineSvg(data.bands, data.startSec, data.endSec)}
<p class="legend-note">Phases alternate grey; fault windows are hatched (also in every chart below); alerts are dotted (denser: critical); failing health probes are cross-hatched; a tripped guard is a dashed line marked ■; an operator's note is a line marked ✎; a stretch when ordeal itself was not running is solid black (grey on the charts).</p>
<div id="charts"></div>
<h2>Phases</h2>
${phasesTable(report)}
${
  stepRows(report).length > 0
    ? `<h2>Steps and flows</h2>${table(
        [...STEP_ROW_HEADERS],
        stepRows(report).map((row) => row.map(e)),
        new Set([2, 3, 4, 5, 6]),
      )}`
    : ''
}
<h2>Checks</h2>
${checksTable(report, live)}
${resilience}
${guards}
${faults}
${notes}
${comparisonSection(report.comparison)}
<h2>Run</h2>
${runMeta(report, live)}`;
  return { html, chartData: data };
}

/** How fast each fault was seen, recovered from, failed over and scaled up for. */
function resilienceSection(report: RunReport): string {
  return report.resilience.length
    ? `<h2>Resilience timings</h2>${table(
        ['reaction', 'detect', 'recover', 'failover gap', 'scale-up'],
        report.resilience.map((r) => [
          e(`${r.phase}${r.faults.length ? ` (${r.faults.join('; ')})` : ''}`),
          formatSeconds(r.timeToDetectMs),
          formatSeconds(r.timeToRecoverMs),
          formatSeconds(r.failoverGapMs),
          formatSeconds(r.scaleUpLatencyMs),
        ]),
        new Set([1, 2, 3, 4]),
      )}`
    : '';
}

function guardsSection(report: RunReport, live: LiveView | undefined): string {
  const since = (iso: string): string => sinceStart(report, iso);
  return report.guards.length
    ? `<h2>Guards</h2>${table(
        ['guard', 'condition', 'result'],
        report.guards.map((g) => [
          e(g.name),
          `<code>${e(g.condition)}</code>`,
          g.tripped
            ? `<span class="status status-fail">■ tripped</span> at ${g.trippedAt ? since(g.trippedAt) : '?'}: ${e(g.observed ?? '')}`
            : `<span class="status status-pass">✔ ${live ? 'not tripped' : 'never tripped'}</span>`,
        ]),
      )}`
    : '';
}

function faultsSection(report: RunReport, live: LiveView | undefined): string {
  const since = (iso: string): string => sinceStart(report, iso);
  return report.faults.length
    ? `<h2>Faults</h2>${table(
        ['phase', 'fault', 'applied', 'removed'],
        report.faults.map((f) => [
          e(f.phase),
          e(f.description),
          since(f.appliedAt),
          f.removedAt
            ? since(f.removedAt)
            : live
              ? '<strong data-fault-active>● in place now</strong>'
              : '<strong>not removed</strong>',
        ]),
        new Set([2, 3]),
      )}`
    : '';
}

function notesSection(report: RunReport): string {
  const since = (iso: string): string => sinceStart(report, iso);
  return report.annotations?.length
    ? `<h2>Operator notes</h2>${table(
        ['at', 'phase', 'note'],
        report.annotations.map((a) => [since(a.at), e(a.phase ?? '—'), e(a.text)]),
        new Set([0]),
      )}`
    : '';
}

/** Failure first: what decided a verdict that is not a pass, above every chart; live, the failures settled so far. */
function wentWrongSection(report: RunReport, live: LiveView | undefined): string {
  const deciding = live
    ? report.checks.filter((c) => c.status === 'fail' && live.checkState(c) === 'settled')
    : report.checks.filter((c) => c.status === (report.verdict === 'inconclusive' ? 'inconclusive' : 'fail'));
  const errorLines = live ? [] : errorKindLines(report);
  return (live || report.verdict !== 'pass') && (deciding.length > 0 || errorLines.length > 0)
    ? `<section class="went-wrong" id="went-wrong" data-went-wrong><h2>${live ? 'Failed so far' : 'What went wrong'}</h2><ul>${deciding
        .map(
          (c) =>
            `<li data-check="${e(c.name)}"><strong>${e(c.phase)}</strong> — ${e(c.name)}: observed ${e(formatObserved(c.observed, c.metric, c.expected, c.unit))}, expected <code>${e(c.expected)}</code>${c.reason ? ` — ${e(c.reason)}` : ''}${momentLink(report, c.phase)}</li>`,
        )
        .join(
          '',
        )}</ul>${errorLines.length ? `<p data-error-kinds><strong>Errors by kind:</strong> ${e(errorLines.join('; '))}</p>` : ''}</section>`
    : '';
}

/** The run's identity: id, scenario, target, load, times, ordeal and the machine. */
function runMeta(report: RunReport, live: LiveView | undefined): string {
  const env = report.environment;
  const since = (iso: string): string => sinceStart(report, iso);
  return `<dl class="meta">
<dt>run id</dt><dd>${e(report.runId)}</dd>
<dt>scenario</dt><dd>${e(report.scenario.name)}${report.scenario.file ? ` (${e(report.scenario.file)})` : ''}${report.scenario.description ? ` — ${e(report.scenario.description)}` : ''}</dd>
<dt>target</dt><dd>${e(report.target)}</dd>
<dt>load</dt><dd>${e(loadLine(report))}</dd>
<dt>start</dt><dd>${e(utcTime(report.startedAt))}</dd>
<dt>end</dt><dd>${live ? 'still running' : since(report.endedAt)}</dd>
<dt>ordeal</dt><dd>${e(env.ordeal)}</dd>
<dt>machine</dt><dd>${e(`${env.hostname}, ${env.platform}, ${env.cpus} CPUs, Node ${env.node}`)}</dd>
</dl>`;
}

/** One self-contained page: no network, uPlot and the data inlined. */
export function renderHtml(report: RunReport, assets: HtmlAssets): string {
  const { html, chartData: data } = renderReportBody(report);
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
${html}
<script type="application/json" id="ordeal-data">${jsonForScript(data)}</script>
<script>${assets.uplotJs}</script>
<script>${assets.chartsJs}</script>
</body>
</html>
`;
}
