import type { SearchResult, SearchStep } from './capacity-search.ts';

/** capacity.json: what a CI step reads. */
export interface CapacityReport {
  schemaVersion: 1;
  scenario: string;
  phase: string;
  /** The phase's planned peak (req/s): what headroom is measured over. */
  plannedPeakRate: number;
  /** N−1: the faults held through every step (those of this phase of the scenario). */
  heldFaults?: { phase: string; faults: string[] };
  /** Beside the healthy search: the same with a phase's faults held (`--n-minus-1`). */
  nMinus1?: CapacityReport;
  /** The highest rate every SLO held at (req/s); null: not even the start rate. */
  heldRate: number | null;
  confirmed: boolean;
  /** The first rate that did not hold, and why. */
  firstFailing: { rate: number; kind: string; reason: string } | null;
  /** Where ordeal itself could not keep up, if it got there: never counted as the service's limit. */
  generatorLimit: number | null;
  /** heldRate ÷ plannedPeakRate. */
  headroom: number | null;
  requiredHeadroom: number | null;
  /** Where p99's rise per req/s turns sharply up (req/s), when the steps show one. */
  kneeRate: number | null;
  /** Which side limited the answer: the service (a breach or a plateau), ordeal, or neither within the ceiling. */
  limitedBy: 'service' | 'generator' | 'ceiling' | 'budget' | 'stopped';
  stoppedBecause: string;
  steps: SearchStep[];
  startedAt: string;
  durationMs: number;
}

/** A sharp rise: p99's slope over a step is this many times the typical slope of the steps below it… */
const KNEE_FACTOR = 3;
/** …and p99 rose by at least this share of its value at the lower step (a flat curve's noise is not a knee). */
const KNEE_MIN_RISE = 0.25;

/**
 * The knee of the latency curve: the first rate past which p99 rises per req/s more than KNEE_FACTOR × the median
 * slope of the steps below it, and by over KNEE_MIN_RISE of its value. From every step judged, sorted by rate.
 */
export function kneeOf(steps: readonly SearchStep[]): number | null {
  const byRate = [...steps]
    .filter((s) => s.p99Ms !== null && s.kind !== 'generator-limited' && s.kind !== 'stopped')
    .sort((a, b) => a.rate - b.rate)
    .filter((s, i, all) => i === 0 || s.rate !== all[i - 1]!.rate);
  const slopes: number[] = [];
  for (let i = 1; i < byRate.length; i++) {
    const rise = byRate[i]!.p99Ms! - byRate[i - 1]!.p99Ms!;
    const slope = rise / (byRate[i]!.rate - byRate[i - 1]!.rate);
    if (slopes.length > 0) {
      const typical = [...slopes].sort((a, b) => a - b)[Math.floor(slopes.length / 2)]!;
      const lower = byRate[i - 1]!;
      if (rise > KNEE_MIN_RISE * lower.p99Ms! && slope > KNEE_FACTOR * Math.max(typical, 0)) return lower.rate;
    }
    slopes.push(slope);
  }
  return null;
}

export function limitedByOf(result: SearchResult): CapacityReport['limitedBy'] {
  if (result.firstFailing) return 'service';
  if (result.generatorLimit !== null) return 'generator';
  if (/ceiling/.test(result.stoppedBecause)) return 'ceiling';
  if (/time budget/.test(result.stoppedBecause)) return 'budget';
  return 'stopped';
}

const ms = (value: number | null): string => (value === null ? '—' : value.toFixed(1));
const percent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(2)} %`);

/** The search as a table for the terminal and summary: each step in the order it ran. */
export function capacityTable(report: CapacityReport): string {
  const rows = report.steps.map(
    (s) =>
      `| ${s.rate} | ${s.stage} | ${s.kind} | ${s.achievedRate ?? '—'} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} | ${percent(s.errorRate)} | ${ms(s.sendLagP99Ms)} |`,
  );
  return [
    '| rate req/s | stage | outcome | achieved req/s | p50 ms | p95 ms | p99 ms | errors | send lag p99 ms |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** The answer in one paragraph: what held, what broke and by how much, headroom, the knee, who limited it. */
export function capacitySummary(report: CapacityReport): string {
  const lines: string[] = [];
  const held = report.heldFaults ? ` with ${report.heldFaults.faults.join(', ')} held (N−1)` : '';
  if (report.heldRate === null)
    lines.push(
      report.limitedBy === 'service'
        ? `The service did not hold even the start rate${held}.`
        : `No rate was shown to hold${held}: nothing was measured of the service (${report.limitedBy === 'generator' ? 'ordeal could not offer even the start rate' : 'the search stopped first'}).`,
    );
  else
    lines.push(
      `Highest rate that held every SLO of phase "${report.phase}"${held}: ${report.heldRate} req/s${report.confirmed ? ' (confirmed by a repeat)' : ' (not confirmed)'}.`,
    );
  if (report.firstFailing)
    lines.push(
      `First that did not: ${report.firstFailing.rate} req/s, ${report.firstFailing.kind}: ${report.firstFailing.reason}.`,
    );
  if (report.limitedBy === 'generator' && report.heldRate !== null)
    lines.push(
      `ordeal's limit was reached at ${report.generatorLimit} req/s and the service held every step below it: its capacity is above that, not measured here (add workers, or load from more machines).`,
    );
  if (report.headroom !== null)
    lines.push(
      `Headroom over the planned peak of ${report.plannedPeakRate} req/s: ${report.headroom.toFixed(2)}×${
        report.requiredHeadroom !== null
          ? report.headroom >= report.requiredHeadroom
            ? ` (at least the ${report.requiredHeadroom}× required)`
            : ` (under the ${report.requiredHeadroom}× required)`
          : ''
      }${report.limitedBy === 'generator' ? ' at least' : ''}.`,
    );
  if (report.kneeRate !== null) lines.push(`p99 turns sharply up past ${report.kneeRate} req/s (the knee).`);
  lines.push(`The search stopped: ${report.stoppedBecause}.`);
  return lines.join('\n');
}
