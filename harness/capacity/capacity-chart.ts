import { escapeHtml } from '../report/html/escape-html.ts';
import type { CapacityReport } from './capacity-report.ts';
import type { SearchStep } from './capacity-search.ts';

const WIDTH = 720;
const HEIGHT = 320;
const LEFT = 60;
const RIGHT = 20;
const TOP = 20;
const BOTTOM = 40;

/** Each outcome its own shape (readable without colour, and in print). */
const MARKERS: Record<SearchStep['kind'], (x: number, y: number) => string> = {
  pass: (x, y) => `<circle cx="${x}" cy="${y}" r="5" fill="none" stroke="currentColor"/>`,
  breach: (x, y) =>
    `<path d="M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x - 5} ${y + 5}L${x + 5} ${y - 5}" stroke="currentColor" stroke-width="2"/>`,
  plateau: (x, y) => `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="none" stroke="currentColor"/>`,
  'generator-limited': (x, y) =>
    `<path d="M${x} ${y - 6}L${x + 6} ${y + 5}L${x - 6} ${y + 5}Z" fill="none" stroke="currentColor"/>`,
  stopped: (x, y) => `<path d="M${x - 5} ${y}L${x + 5} ${y}" stroke="currentColor" stroke-width="2"/>`,
};
const SERIES = [
  { key: 'p50Ms', label: 'p50', dash: '2 3' },
  { key: 'p95Ms', label: 'p95', dash: '6 3' },
  { key: 'p99Ms', label: 'p99', dash: '' },
] as const;

/**
 * The latency curve of a capacity search as inline SVG: p50, p95 and p99 (ms) against the arrival rate of each
 * step, a marker per step by outcome, and vertical lines at the planned peak, the knee and the rate that held.
 */
export function renderCapacitySvg(report: CapacityReport): string {
  const steps = [...report.steps].sort((a, b) => a.rate - b.rate);
  const maxRate = Math.max(1, report.plannedPeakRate, ...steps.map((s) => s.rate)) * 1.05;
  const maxMs = Math.max(1, ...steps.flatMap((s) => [s.p50Ms ?? 0, s.p95Ms ?? 0, s.p99Ms ?? 0])) * 1.1;
  const x = (rate: number): number => LEFT + (rate / maxRate) * (WIDTH - LEFT - RIGHT);
  const y = (ms: number): number => HEIGHT - BOTTOM - (ms / maxMs) * (HEIGHT - TOP - BOTTOM);
  const lines = SERIES.map(({ key, label, dash }) => {
    const points = steps.filter((s) => s[key] !== null).map((s) => `${x(s.rate).toFixed(1)},${y(s[key]!).toFixed(1)}`);
    return `<polyline data-series="${label}" points="${points.join(' ')}" fill="none" stroke="currentColor"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  });
  const markers = steps
    .filter((s) => s.p99Ms !== null)
    .map(
      (s) =>
        `<g data-step="${s.kind}" data-rate="${s.rate}"><title>${escapeHtml(`${s.rate} req/s (${s.stage}): ${s.kind}, p99 ${s.p99Ms} ms`)}</title>${MARKERS[s.kind](x(s.rate), y(s.p99Ms!))}</g>`,
    );
  const vertical = (rate: number | null, label: string, kind: string): string =>
    rate === null
      ? ''
      : `<g data-line="${kind}"><line x1="${x(rate)}" x2="${x(rate)}" y1="${TOP}" y2="${HEIGHT - BOTTOM}" stroke="currentColor" stroke-dasharray="1 4"/><text x="${x(rate) + 4}" y="${TOP + 12}" font-size="11">${escapeHtml(label)}</text></g>`;
  const axes = [
    `<line x1="${LEFT}" y1="${HEIGHT - BOTTOM}" x2="${WIDTH - RIGHT}" y2="${HEIGHT - BOTTOM}" stroke="currentColor"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${HEIGHT - BOTTOM}" stroke="currentColor"/>`,
    `<text x="${WIDTH / 2}" y="${HEIGHT - 8}" font-size="12" text-anchor="middle">arrival rate (req/s), 0 to ${Math.round(maxRate)}</text>`,
    `<text x="14" y="${HEIGHT / 2}" font-size="12" transform="rotate(-90 14 ${HEIGHT / 2})" text-anchor="middle">latency (ms), 0 to ${Math.round(maxMs)}: p50 dotted, p95 dashed, p99 solid</text>`,
  ];
  return [
    `<svg role="img" aria-label="latency against arrival rate over the capacity search" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" style="max-width:${WIDTH}px">`,
    ...axes,
    ...lines,
    vertical(report.plannedPeakRate, `planned peak ${report.plannedPeakRate}`, 'peak'),
    vertical(report.kneeRate, `knee ${report.kneeRate}`, 'knee'),
    vertical(report.heldRate, `held ${report.heldRate}`, 'held'),
    ...markers,
    '</svg>',
  ].join('\n');
}
