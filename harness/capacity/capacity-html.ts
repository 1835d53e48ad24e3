import { escapeHtml } from '../report/html/escape-html.ts';
import { renderCapacitySvg } from './capacity-chart.ts';
import { capacitySummary, type CapacityReport } from './capacity-report.ts';

const cell = (value: number | string | null): string => `<td>${value === null ? '—' : escapeHtml(String(value))}</td>`;

function section(report: CapacityReport): string {
  const title = report.heldFaults ? `N−1: ${report.heldFaults.faults.join(', ')} held` : 'Healthy';
  const rows = report.steps.map(
    (s) =>
      `<tr data-kind="${s.kind}">${[s.rate, s.stage, s.kind, s.achievedRate, s.p50Ms, s.p95Ms, s.p99Ms, s.errorRate, s.sendLagP99Ms].map(cell).join('')}<td>${escapeHtml(s.kind === 'pass' ? '' : s.reason)}</td></tr>`,
  );
  return [
    `<section><h2>${escapeHtml(title)}</h2>`,
    ...capacitySummary(report)
      .split('\n')
      .map((line) => `<p>${escapeHtml(line)}</p>`),
    renderCapacitySvg(report),
    '<table><thead><tr><th>rate req/s</th><th>stage</th><th>outcome</th><th>achieved req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>error rate</th><th>send lag p99 ms</th><th>why</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table></section>`,
  ].join('\n');
}

/** capacity.html: one page, no script: the answer, the latency curve and the steps (the N−1 search beside). */
export function renderCapacityHtml(report: CapacityReport): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>Capacity of ${escapeHtml(report.scenario)}</title>`,
    '<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{padding:.2rem .5rem;border-bottom:1px solid #ccc;text-align:right}td:last-child{text-align:left}</style>',
    `</head><body><h1>Capacity of ${escapeHtml(report.scenario)}, phase ${escapeHtml(report.phase)}</h1>`,
    section(report),
    report.nMinus1 ? section(report.nMinus1) : '',
    '</body></html>',
  ].join('\n');
}
