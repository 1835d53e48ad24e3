import type { RunReport } from '../run-report.ts';

/** A labelled span of the run on the time axis (epoch seconds), for shading and the timeline strip. */
export interface TimeBand {
  label: string;
  startSec: number;
  endSec: number;
  kind: 'phase' | 'fault' | 'alert' | 'guard' | 'health';
  /** Phase index, or alert severity: used to pick a pattern, never colour alone. */
  detail?: string;
}

/** What the page's script draws: uPlot's column-oriented data, one x axis (epoch seconds) for all charts. */
export interface ChartData {
  x: number[];
  targetRate: (number | null)[];
  achievedRate: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  errorRatePercent: (number | null)[];
  signals: { name: string; unit: string; x: number[]; y: number[] }[];
  bands: TimeBand[];
  startSec: number;
  endSec: number;
}

const sec = (iso: string): number => Date.parse(iso) / 1_000;

/**
 * Per second of the run (both phases of a second at a phase edge are summed;
 * latency percentiles come from the busier one).
 */
export function chartData(report: RunReport): ChartData {
  const runStartSec = Math.floor(sec(report.startedAt));
  const bySecond = new Map<number, RunReport['timeseries']>();
  for (const entry of report.timeseries) bySecond.set(entry.second, [...(bySecond.get(entry.second) ?? []), entry]);
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  const data: ChartData = {
    x: [],
    targetRate: [],
    achievedRate: [],
    p50Ms: [],
    p95Ms: [],
    p99Ms: [],
    errorRatePercent: [],
    signals: [],
    bands: [],
    startSec: sec(report.startedAt),
    endSec: sec(report.endedAt),
  };
  for (const second of seconds) {
    const entries = bySecond.get(second)!;
    const busiest = entries.reduce((a, b) => (b.requests > a.requests ? b : a));
    const requests = entries.reduce((sum, e) => sum + e.requests, 0);
    const errors = entries.reduce((sum, e) => sum + e.errors, 0);
    const target = entries.map((e) => e.targetRate).find((t) => t !== null && t !== undefined);
    data.x.push(runStartSec + second);
    data.targetRate.push(target ?? null);
    data.achievedRate.push(requests);
    data.p50Ms.push(busiest.p50Ms);
    data.p95Ms.push(busiest.p95Ms);
    data.p99Ms.push(busiest.p99Ms);
    data.errorRatePercent.push(requests > 0 ? Math.round((errors / requests) * 10_000) / 100 : null);
  }
  data.signals = report.signals.series.map((s) => ({ name: s.name, unit: s.unit, x: s.points.map((p) => sec(p.at)), y: s.points.map((p) => p.value) }));
  report.phases.forEach((phase, index) => {
    if (phase.start && phase.end) data.bands.push({ label: phase.name, startSec: sec(phase.start), endSec: sec(phase.end), kind: 'phase', detail: String(index) });
  });
  for (const fault of report.faults) {
    data.bands.push({ label: fault.description, startSec: sec(fault.appliedAt), endSec: sec(fault.removedAt ?? report.endedAt), kind: 'fault' });
  }
  for (const alert of report.signals.alerts) {
    data.bands.push({ label: `${alert.alert} (${alert.severity})`, startSec: sec(alert.start), endSec: sec(alert.end), kind: 'alert', detail: alert.severity });
  }
  // Failed health samples, consecutive ones (a probe interval apart, give or take) as one band.
  for (const probe of report.signals.health ?? []) {
    let band: TimeBand | undefined;
    let lastSec = -Infinity;
    for (const sample of probe.samples) {
      const at = sec(sample.at);
      if (!sample.ok && band && at - lastSec <= 2.5) band.endSec = at;
      else if (!sample.ok) {
        band = { label: `${probe.path} failing`, startSec: at, endSec: at, kind: 'health', detail: sample.status === null ? 'no answer' : `HTTP ${sample.status}` };
        data.bands.push(band);
      } else band = undefined;
      lastSec = at;
    }
  }
  for (const guard of report.guards.filter((g) => g.tripped && g.trippedAt)) {
    data.bands.push({ label: `guard ${guard.name} tripped`, startSec: sec(guard.trippedAt!), endSec: sec(guard.trippedAt!), kind: 'guard' });
  }
  return data;
}
