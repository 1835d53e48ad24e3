import type { TimeBand } from './chart-data.ts';
import { escapeHtml } from './escape-html.ts';

const WIDTH = 1000;
const LABEL_WIDTH = 80;
const LANE_HEIGHT = 22;
const LANE_GAP = 4;

/** 1, 2 or 5 × a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-3)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? 10 * power;
}

interface Lane {
  title: string;
  bands: TimeBand[];
  fill: (band: TimeBand, index: number) => string;
}

/**
 * Lanes of bands that may overlap are split so no two bands in a lane
 * overlap or touch (`minGapSec` apart: back-to-back fault windows would
 * read as one).
 */
function stack(bands: TimeBand[], minGapSec: number): TimeBand[][] {
  const rows: TimeBand[][] = [];
  for (const band of [...bands].sort((a, b) => a.startSec - b.startSec)) {
    const row = rows.find((r) => r[r.length - 1]!.endSec + minGapSec <= band.startSec);
    if (row) row.push(band);
    else rows.push([band]);
  }
  return rows;
}

/**
 * The run's timeline as inline SVG: phases, fault windows, firing alerts and
 * a tripped guard and operators' notes, each a labelled shape with its own pattern (readable
 * without colour, and in print). Every band carries data-kind for tests and tools.
 */
export function renderTimelineSvg(bands: readonly TimeBand[], startSec: number, endSec: number): string {
  const span = Math.max(1e-3, endSec - startSec);
  const minGapSec = (span * 8) / (WIDTH - LABEL_WIDTH);
  const xOf = (s: number): number =>
    LABEL_WIDTH + ((Math.min(Math.max(s, startSec), endSec) - startSec) / span) * (WIDTH - LABEL_WIDTH);
  const lanes = lanesOf(bands, minGapSec);
  const markers = placeMarkers(
    bands.filter((b) => b.kind === 'guard' || b.kind === 'note'),
    xOf,
  );
  const lanesHeight = lanes.length * (LANE_HEIGHT + LANE_GAP);
  // Marker labels (a tripped guard, operators' notes) get their own rows, above the time axis: nothing to collide with.
  const markerRows = markers.reduce((rows, m) => Math.max(rows, m.row + 1), 0);
  const height = lanesHeight + markerRows * 16 + 18;
  const parts: string[] = [
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Run timeline: phases, fault windows, alerts, failing health probes" xmlns="http://www.w3.org/2000/svg">`,
    ...PATTERN_DEFS,
  ];
  lanes.forEach((lane, laneIndex) => {
    const y = laneIndex * (LANE_HEIGHT + LANE_GAP);
    if (lane.title) parts.push(`<text x="0" y="${y + 15}">${escapeHtml(lane.title)}</text>`);
    lane.bands.forEach((band, i) => {
      const x0 = xOf(band.startSec);
      const w = Math.max(2, xOf(band.endSec) - x0);
      const seconds = (band.endSec - band.startSec).toFixed(1);
      parts.push(
        `<g data-kind="${band.kind}" data-label="${escapeHtml(band.label)}"><title>${escapeHtml(`${band.label}: +${band.startSec.toFixed(1)} s to +${band.endSec.toFixed(1)} s (${seconds} s)`)}</title>` +
          `<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${LANE_HEIGHT}" fill="${lane.fill(band, i)}" stroke="#444" stroke-width="0.6"/>` +
          (w > 40
            ? `<svg x="${x0.toFixed(1)}" y="${y}" width="${(w - 2).toFixed(1)}" height="${LANE_HEIGHT}" overflow="hidden"><text x="4" y="15">${escapeHtml(band.label.length * 6 > w ? `${band.label.slice(0, Math.max(3, Math.floor(w / 6.2) - 1))}…` : band.label)}</text></svg>`
            : '') +
          '</g>',
      );
    });
  });
  for (const { band, x, row, text } of markers) {
    const anchor = x > WIDTH - 120 ? 'end' : x < LABEL_WIDTH + 120 ? 'start' : 'middle';
    const labelY = lanesHeight + 12 + row * 16;
    const line =
      band.kind === 'guard'
        ? 'stroke="#000" stroke-width="2" stroke-dasharray="4 2"'
        : 'stroke="#0072B2" stroke-width="1.5"';
    parts.push(
      `<g data-kind="${band.kind}" data-label="${escapeHtml(band.label)}"><title>${escapeHtml(`${band.label} at +${band.startSec.toFixed(1)} s`)}</title>` +
        `<line x1="${x.toFixed(1)}" y1="0" x2="${x.toFixed(1)}" y2="${labelY - 8}" ${line}/><text x="${x.toFixed(1)}" y="${labelY}" text-anchor="${anchor}">${escapeHtml(text)}</text></g>`,
    );
  }
  // The time axis: seconds since the run started, like every chart.
  const axisY = height - 2;
  // Whole seconds, like every label on the page: a short run gets fewer ticks, never "+0 s" three times.
  const step = Math.max(1, niceStep(span / 8));
  parts.push(
    `<line x1="${LABEL_WIDTH}" y1="${axisY - 12}" x2="${WIDTH}" y2="${axisY - 12}" stroke="#999" stroke-width="0.6"/>`,
  );
  for (let t = 0; t <= span + 1e-9; t += step) {
    const x = xOf(startSec + t);
    const anchor = t === 0 ? 'start' : x > WIDTH - 30 ? 'end' : 'middle';
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${axisY - 14}" x2="${x.toFixed(1)}" y2="${axisY - 10}" stroke="#999"/><text class="tick" x="${x.toFixed(1)}" y="${axisY}" text-anchor="${anchor}">+${Math.round(t)} s</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The timeline's lanes: phases, then faults, alerts and failing probes (each stacked when they overlap), then stalls. */
function lanesOf(bands: readonly TimeBand[], minGapSec: number): Lane[] {
  return [
    {
      title: 'phases',
      bands: bands.filter((b) => b.kind === 'phase'),
      fill: (_b, i) => (i % 2 === 0 ? '#eef0f3' : '#dde1e6'),
    },
    ...stack(
      bands.filter((b) => b.kind === 'fault'),
      minGapSec,
    ).map((row, i) => ({ title: i === 0 ? 'faults' : '', bands: row, fill: () => 'url(#ordeal-hatch)' })),
    ...stack(
      bands.filter((b) => b.kind === 'alert'),
      minGapSec,
    ).map((row, i) => ({
      title: i === 0 ? 'alerts firing' : '',
      bands: row,
      fill: (b: TimeBand) => (b.detail === 'critical' ? 'url(#ordeal-dots-dense)' : 'url(#ordeal-dots)'),
    })),
    ...stack(
      bands.filter((b) => b.kind === 'health'),
      minGapSec,
    ).map((row, i) => ({ title: i === 0 ? 'health failing' : '', bands: row, fill: () => 'url(#ordeal-cross)' })),
    // Stretches when ordeal itself did not run: no sends, no probes, no evidence (solid black: nothing to read there).
    ...(bands.some((b) => b.kind === 'stall')
      ? [{ title: 'ordeal stalled', bands: bands.filter((b) => b.kind === 'stall'), fill: () => '#1d1d1f' }]
      : []),
  ];
}

/** The fill patterns of faults (hatched), alerts (dotted, denser when critical) and failing probes (cross-hatched). */
const PATTERN_DEFS: readonly string[] = [
  '<defs>',
  '<pattern id="ordeal-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fbe3d3"/><line x1="0" y1="0" x2="0" y2="8" stroke="#D55E00" stroke-width="3"/></pattern>',
  '<pattern id="ordeal-dots" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#f3e6f0"/><circle cx="3" cy="3" r="1.2" fill="#CC79A7"/></pattern>',
  '<pattern id="ordeal-dots-dense" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#e8c6dd"/><circle cx="2" cy="2" r="1.3" fill="#7a2a5e"/></pattern>',
  '<pattern id="ordeal-cross" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fde2e2"/><path d="M0 0L6 6M6 0L0 6" stroke="#b00020" stroke-width="1"/></pattern>',
  '</defs>',
];

const MARKER_LABEL_CHARS = 48;

/** Each marker's x and label row: a label goes on the first row where it does not overlap the one before it. */
function placeMarkers(
  bands: readonly TimeBand[],
  xOf: (sec: number) => number,
): { band: TimeBand; x: number; row: number; text: string }[] {
  const rowEnds: number[] = [];
  return [...bands]
    .sort((a, b) => a.startSec - b.startSec)
    .map((band) => {
      const mark = band.kind === 'guard' ? '■' : '✎';
      const label =
        band.label.length > MARKER_LABEL_CHARS ? `${band.label.slice(0, MARKER_LABEL_CHARS - 1)}…` : band.label;
      const text = `${mark} ${label}`;
      const x = xOf(band.startSec);
      const halfWidth = (text.length * 6.2) / 2;
      let row = rowEnds.findIndex((end) => end < x - halfWidth);
      if (row === -1) row = rowEnds.length;
      rowEnds[row] = x + halfWidth;
      return { band, x, row, text };
    });
}
