import { emptyErrorCounts, ERROR_KINDS, type ErrorCounts, type ErrorKind } from './error-kind.ts';
import {
  addLatencyHistogram,
  createLatencyHistogram,
  decodeLatencyHistogram,
  encodeLatencyHistogram,
  recordLatencyMs,
  type LatencyHistogram,
} from './latency-histogram.ts';

/**
 * One flow step's (or one whole flow's) outcomes in one phase: what k6
 * reports per `name` tag. A step's latency is its request's; a flow's is the
 * iteration's, from its start (an arrival's intended time) to its last step.
 */
export interface StepRecord {
  phase: string;
  kind: 'step' | 'flow';
  name: string;
  requests: number;
  errors: ErrorCounts;
  latency: LatencyHistogram;
  /** Statuses that a step's expect did not list, with their counts. */
  unexpectedStatuses: Record<string, number>;
  /** Flows: iterations that stopped before their last step (a failed step or capture). */
  incomplete: number;
}

export type EncodedStepRecord = Omit<StepRecord, 'latency'> & { latency: string };

/** Per-phase, per-step records: small (steps × phases), kept whole for the run. */
export class StepStats {
  /** By phase, then by kind and name ("step\u0000login"): two lookups per record, no string building on the hot path. */
  private records = new Map<string, { step: Map<string, StepRecord>; flow: Map<string, StepRecord> }>();

  constructor(private readonly purpose: 'storage' | 'recording') {}

  private recordOf(phase: string, kind: StepRecord['kind'], name: string): StepRecord {
    let byKind = this.records.get(phase);
    if (!byKind) {
      byKind = { step: new Map(), flow: new Map() };
      this.records.set(phase, byKind);
    }
    let record = byKind[kind].get(name);
    if (!record) {
      record = {
        phase,
        kind,
        name,
        requests: 0,
        errors: emptyErrorCounts(),
        latency: createLatencyHistogram(this.purpose),
        unexpectedStatuses: {},
        incomplete: 0,
      };
      byKind[kind].set(name, record);
    }
    return record;
  }

  /** A step's request ended: with a response (`latencyMs`) or without (undefined). */
  record(
    phase: string,
    kind: StepRecord['kind'],
    name: string,
    latencyMs: number | undefined,
    errorKind?: ErrorKind,
    status?: number,
  ): void {
    const record = this.recordOf(phase, kind, name);
    record.requests += 1;
    if (latencyMs !== undefined) recordLatencyMs(record.latency, latencyMs);
    if (errorKind) record.errors[errorKind] += 1;
    if (errorKind === 'unexpected_status' && status !== undefined)
      record.unexpectedStatuses[status] = (record.unexpectedStatuses[status] ?? 0) + 1;
  }

  incomplete(phase: string, flow: string): void {
    this.recordOf(phase, 'flow', flow).incomplete += 1;
  }

  all(): StepRecord[] {
    return [...this.records.values()].flatMap((byKind) => [...byKind.step.values(), ...byKind.flow.values()]);
  }

  /** Hands over what was recorded since the last call (a worker's flush). */
  drain(): EncodedStepRecord[] {
    const out = this.all().map((r) => ({ ...r, latency: encodeLatencyHistogram(r.latency) }));
    this.records = new Map();
    return out;
  }

  merge(part: EncodedStepRecord): void {
    const record = this.recordOf(part.phase, part.kind, part.name);
    record.requests += part.requests;
    record.incomplete += part.incomplete;
    for (const kind of ERROR_KINDS) record.errors[kind] += part.errors[kind];
    for (const [status, count] of Object.entries(part.unexpectedStatuses))
      record.unexpectedStatuses[status] = (record.unexpectedStatuses[status] ?? 0) + count;
    addLatencyHistogram(record.latency, decodeLatencyHistogram(part.latency));
  }
}
