import { parseThreshold } from '../../scenario/threshold.ts';
import type { RunReport } from '../run-report.ts';

/** A labelled span of the run on the time axis (epoch seconds), for shading and the timeline strip. */
export interface TimeBand {
  label: string;
  startSec: number;
  endSec: number;
  kind: 'phase' | 'fault' | 'alert' | 'guard' | 'health' | 'note' | 'stall';
  /** Phase index, or alert severity: used to pick a pattern, never colour alone. */
  detail?: string;
}

const sec = (iso: string): number => Date.parse(iso) / 1_000;

/** What the page's script draws: uPlot's column-oriented data, one x axis (seconds since the run started) for all charts. */
export interface ChartData {
  x: number[];
  targetRate: (number | null)[];
  achievedRate: (number | null)[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  /** The generator's own send lag (p99) per second: the part of the latency that is ordeal's lateness, not the service's. */
  sendLagP99Ms: (number | null)[];
  errorRatePercent: (number | null)[];
  signals: { name: string; unit: string; x: number[]; y: number[] }[];
  bands: TimeBand[];
  /** Latency thresholds of the run's checks, drawn as lines over their phase. */
  sloLines: SloLine[];
  /** Always 0: every time on the page is relative to the run's start. */
  startSec: number;
  endSec: number;
  /** The run's start, shown once (UTC). */
  startedAt: string;
  /** What an empty chart says instead of "no request completed" (the live console, before the first seconds arrive). */
  emptyNote?: string;
}

export interface SloLine {
  label: string;
  startSec: number;
  endSec: number;
  ms: number;
  /** The percentile the threshold is on (95, 99, 50…), to match the series' dash. */
  percentile: number;
  status: 'pass' | 'fail' | 'inconclusive';
}

/** A second whose phases covered less than this (ms) is folded into the second before it: a 50 ms tail is no rate. */
const FOLD_BELOW_MS = 250;

interface SecondSum {
  second: number;
  coveredMs: number;
  targetIntegral: number;
  targeted: boolean;
  requests: number;
  errors: number;
  busiest: RunReport['timeseries'][number];
  /** Seconds it spans: 1, or 10 or 60 for a long run's rolled-up stretches. */
  span: number;
}

/** One second's entries (a phase edge has two), summed; a report without coverage counts every second as whole. */
function sumSecond(second: number, entries: RunReport['timeseries']): SecondSum {
  const covered = (e: RunReport['timeseries'][number]): number => e.coveredMs ?? 1_000 / entries.length;
  return {
    second,
    coveredMs: entries.reduce((sum, e) => sum + covered(e), 0),
    targetIntegral: entries.reduce((sum, e) => sum + (e.targetRate ?? 0) * covered(e), 0),
    targeted: entries.some((e) => e.targetRate !== null && e.targetRate !== undefined),
    requests: entries.reduce((sum, e) => sum + e.requests, 0),
    errors: entries.reduce((sum, e) => sum + e.errors, 0),
    busiest: entries.reduce((a, b) => (b.requests > a.requests ? b : a)),
    span: Math.max(...entries.map((e) => e.seconds ?? 1)),
  };
}

/**
 * Per second of the run, as rates over the part of the second that load
 * covered: at a phase edge both phases' requests and their time-weighted
 * targets are summed, and the run's last partial second is a rate, not a dip.
 * Latency percentiles come from the busier phase of a shared second.
 */
export function chartData(report: RunReport): ChartData {
  const runStartSec = sec(report.startedAt);
  const sums = foldedSeconds(report);
  const data: ChartData = {
    x: [],
    targetRate: [],
    achievedRate: [],
    p50Ms: [],
    p95Ms: [],
    p99Ms: [],
    sendLagP99Ms: [],
    errorRatePercent: [],
    signals: [],
    bands: [],
    sloLines: [],
    startSec: 0,
    endSec: Math.max(0, sec(report.endedAt) - runStartSec),
    startedAt: report.startedAt,
  };
  const perSecond = (count: number, coveredMs: number): number | null =>
    coveredMs > 0 ? Math.round((count * 1_000 * 10) / coveredMs) / 10 : null;
  for (const s of sums) {
    data.x.push(s.second + s.span / 2);
    data.targetRate.push(s.targeted ? perSecond(s.targetIntegral / 1_000, s.coveredMs) : null);
    data.achievedRate.push(perSecond(s.requests, s.coveredMs));
    data.p50Ms.push(s.busiest.p50Ms);
    data.p95Ms.push(s.busiest.p95Ms);
    data.p99Ms.push(s.busiest.p99Ms);
    data.sendLagP99Ms.push(s.busiest.sendLagP99Ms ?? null);
    data.errorRatePercent.push(s.requests > 0 ? Math.round((s.errors / s.requests) * 10_000) / 100 : null);
  }
  const rel = (iso: string): number => Math.round((sec(iso) - runStartSec) * 1_000) / 1_000;
  data.signals = [
    ...report.signals.series.map((s) => ({
      name: s.name,
      unit: s.unit,
      x: s.points.map((p) => rel(p.at)),
      y: s.points.map((p) => p.value),
    })),
    ...selfSeries(report, rel),
  ];
  data.bands = timeBands(report, rel);
  data.sloLines = sloLines(report, rel);
  return data;
}

/** The run's seconds summed across phases, a sliver of a second (under FOLD_BELOW_MS of load) folded into the one before. */
function foldedSeconds(report: RunReport): SecondSum[] {
  const bySecond = new Map<number, RunReport['timeseries']>();
  for (const entry of report.timeseries) bySecond.set(entry.second, [...(bySecond.get(entry.second) ?? []), entry]);
  const sums: SecondSum[] = [];
  for (const second of [...bySecond.keys()].sort((a, b) => a - b)) {
    const sum = sumSecond(second, bySecond.get(second)!);
    const previous = sums[sums.length - 1];
    if (sum.coveredMs < FOLD_BELOW_MS && previous && previous.second + previous.span === second) {
      previous.coveredMs += sum.coveredMs;
      previous.targetIntegral += sum.targetIntegral;
      previous.requests += sum.requests;
      previous.errors += sum.errors;
    } else sums.push(sum);
  }
  return sums;
}

/** What the charts shade: phases, faults, alerts firing, failing health probes, guard trips, stalls and notes. */
function timeBands(report: RunReport, rel: (iso: string) => number): TimeBand[] {
  const bands: TimeBand[] = [];
  report.phases.forEach((phase, index) => {
    if (phase.start && phase.end)
      bands.push({
        label: phase.name,
        startSec: rel(phase.start),
        endSec: rel(phase.end),
        kind: 'phase',
        detail: String(index),
      });
  });
  for (const fault of report.faults) {
    bands.push({
      label: fault.description,
      startSec: rel(fault.appliedAt),
      endSec: rel(fault.removedAt ?? report.endedAt),
      kind: 'fault',
    });
  }
  for (const alert of report.signals.alerts) {
    bands.push({
      label: `${alert.alert} (${alert.severity})`,
      startSec: rel(alert.start),
      endSec: rel(alert.end),
      kind: 'alert',
      detail: alert.severity,
    });
  }
  // Failed health samples, consecutive ones (a probe interval apart, give or take) as one band.
  for (const probe of report.signals.health ?? []) {
    let band: TimeBand | undefined;
    let lastSec = -Infinity;
    for (const sample of probe.samples) {
      const at = rel(sample.at);
      if (!sample.ok && band && at - lastSec <= 2.5) band.endSec = at;
      else if (!sample.ok) {
        band = {
          label: `${probe.path} failing`,
          startSec: at,
          endSec: at,
          kind: 'health',
          detail: sample.status === null ? 'no answer' : `HTTP ${sample.status}`,
        };
        bands.push(band);
      } else band = undefined;
      lastSec = at;
    }
  }
  for (const guard of report.guards.filter((g) => g.tripped && g.trippedAt)) {
    bands.push({
      label: `guard ${guard.name} tripped`,
      startSec: rel(guard.trippedAt!),
      endSec: rel(guard.trippedAt!),
      kind: 'guard',
    });
  }
  for (const stall of report.clock?.stalls ?? []) {
    bands.push({
      label: `ordeal not running (${(stall.durationMs / 1_000).toFixed(1)} s)`,
      startSec: rel(stall.from),
      endSec: rel(stall.to),
      kind: 'stall',
    });
  }
  for (const note of report.annotations ?? []) {
    bands.push({ label: note.text, startSec: rel(note.at), endSec: rel(note.at), kind: 'note' });
  }
  return bands;
}

/** Each latency percentile threshold of a phase that ran, as a line over that phase (from its grace on). */
function sloLines(report: RunReport, rel: (iso: string) => number): SloLine[] {
  const lines: SloLine[] = [];
  for (const check of report.checks) {
    if (check.metric !== 'http_req_duration') continue;
    const threshold = parseThreshold(check.expected);
    const phase = report.phases.find((p) => p.name === check.phase);
    if (!threshold || threshold.aggregation.kind !== 'percentile' || !phase?.start || !phase.end) continue;
    lines.push({
      label: `${check.phase} ${check.expected}`,
      startSec: rel(phase.start),
      endSec: rel(phase.end),
      ms: threshold.value,
      percentile: threshold.aggregation.percentile,
      status: check.status,
    });
  }
  return lines;
}

/** The load workers' heaps, from the samples that have them (none before the first flush, none for autocannon or k6). */
function workersHeapSeries(self: NonNullable<RunReport['self']>, rel: (iso: string) => number): ChartData['signals'] {
  const known = self.filter((s) => s.workersHeapMb !== undefined);
  if (known.length === 0) return [];
  return [
    {
      name: 'ordeal heap: load workers',
      unit: 'MB',
      x: known.map((s) => rel(s.at)),
      y: known.map((s) => s.workersHeapMb!),
    },
  ];
}

/** ordeal's own health, charted like the service's signals: did ordeal itself stay healthy for the whole run? */
function selfSeries(report: RunReport, rel: (iso: string) => number): ChartData['signals'] {
  const self = report.self ?? [];
  if (self.length === 0) return [];
  const x = self.map((s) => rel(s.at));
  return [
    { name: 'ordeal RSS', unit: 'MB', x, y: self.map((s) => s.rssMb) },
    { name: 'ordeal heap: main thread', unit: 'MB', x, y: self.map((s) => s.heapMb) },
    ...workersHeapSeries(self, rel),
    { name: 'ordeal event-loop lag p99', unit: 'ms', x, y: self.map((s) => s.loopLagP99Ms) },
    { name: 'ordeal GC pauses', unit: 'ms per 5 s', x, y: self.map((s) => s.gcMs) },
  ];
}
