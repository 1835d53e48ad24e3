import { errorKindOfStatus, type ErrorKind } from '../metrics/error-kind.ts';

/** One line of `k6 run --out json=…` (NDJSON), as k6's documentation describes it. */
export type K6Line =
  | {
      type: 'Metric';
      metric: string;
      data: { type: 'gauge' | 'rate' | 'counter' | 'trend'; contains: string; thresholds?: string[] };
    }
  | { type: 'Point'; metric: string; data: { time: string; value: number; tags: Record<string, string> | null } };

export type ParsedK6Line =
  | { kind: 'metric'; name: string; metricType: string }
  | { kind: 'point'; metric: string; timeMs: number; value: number; tags: Record<string, string> }
  | { kind: 'invalid'; reason: string };

export function parseK6Line(line: string): ParsedK6Line | undefined {
  if (line.trim() === '') return undefined;
  let parsed: K6Line;
  try {
    parsed = JSON.parse(line) as K6Line;
  } catch (error) {
    return { kind: 'invalid', reason: `not JSON: ${(error as Error).message}` };
  }
  if (parsed?.type === 'Metric' && typeof parsed.metric === 'string')
    return { kind: 'metric', name: parsed.metric, metricType: parsed.data?.type ?? 'unknown' };
  if (
    parsed?.type === 'Point' &&
    typeof parsed.metric === 'string' &&
    parsed.data &&
    typeof parsed.data.value === 'number'
  ) {
    const timeMs = Date.parse(parsed.data.time);
    if (Number.isNaN(timeMs))
      return { kind: 'invalid', reason: `Point with a bad time ${JSON.stringify(parsed.data.time)}` };
    return { kind: 'point', metric: parsed.metric, timeMs, value: parsed.data.value, tags: parsed.data.tags ?? {} };
  }
  return { kind: 'invalid', reason: 'neither a Metric nor a Point line' };
}

/** k6's error codes (lib/netext/httpext/error_codes.go) by ordeal's kinds; other codes (network, DNS, TLS…) are connection failures. */
const K6_ERROR_KINDS: Record<string, ErrorKind> = {
  '1050': 'timeout',
  '1211': 'timeout',
  '1212': 'refused',
  '1220': 'reset',
  '1201': 'reset',
};

export function errorKindOfK6Tags(tags: Record<string, string>): ErrorKind | undefined {
  const status = Number(tags.status ?? '0');
  if (status > 0) return errorKindOfStatus(status);
  return K6_ERROR_KINDS[tags.error_code ?? ''] ?? 'connection';
}

export interface K6Sink {
  recordResponse(phase: string, atMs: number, latencyMs: number, errorKind?: ErrorKind): void;
  recordFailure(phase: string, atMs: number, errorKind: ErrorKind): void;
  recordDropped(phase: string, atMs: number): void;
}

/**
 * Feeds k6 points into ordeal's per-second recorder, by their `phase` tag:
 * every `http_req_duration` point is one request (at its send time = point
 * time − duration; status 0 means no response), `dropped_iterations` are
 * arrivals k6 could not start. Points without a phase tag are counted and ignored.
 */
export class K6PointReader {
  invalidLines = 0;
  untagged = 0;
  points = 0;

  constructor(private readonly sink: K6Sink) {}

  line(text: string): void {
    const parsed = parseK6Line(text);
    if (!parsed || parsed.kind === 'metric') return;
    if (parsed.kind === 'invalid') {
      this.invalidLines += 1;
      return;
    }
    const phase = parsed.tags.phase;
    if (parsed.metric !== 'http_req_duration' && parsed.metric !== 'dropped_iterations') return;
    if (!phase) {
      this.untagged += 1;
      return;
    }
    this.points += 1;
    if (parsed.metric === 'dropped_iterations') {
      for (let i = 0; i < parsed.value; i++) this.sink.recordDropped(phase, parsed.timeMs);
      return;
    }
    const sentAtMs = parsed.timeMs - parsed.value;
    const errorKind = errorKindOfK6Tags(parsed.tags);
    if (Number(parsed.tags.status ?? '0') > 0) this.sink.recordResponse(phase, sentAtMs, parsed.value, errorKind);
    else this.sink.recordFailure(phase, sentAtMs, errorKind ?? 'connection');
  }
}

/** k6's exit codes (errext/exitcodes), and what they mean for an ordeal run. */
export function describeK6Exit(
  code: number | null,
  signal: NodeJS.Signals | null,
): { outcome: 'ok' | 'thresholds' | 'config' | 'aborted' | 'failed'; message: string } {
  if (signal) return { outcome: 'aborted', message: `k6 was stopped by ${signal}` };
  switch (code) {
    case 0:
      return { outcome: 'ok', message: 'k6 finished' };
    case 99:
      return {
        outcome: 'thresholds',
        message: 'k6: one or more thresholds have failed (exit 99); ordeal judges the same SLOs per phase',
      };
    case 104:
      return { outcome: 'config', message: 'k6: invalid configuration (exit 104)' };
    case 107:
      return { outcome: 'config', message: 'k6: the script threw an exception (exit 107)' };
    case 105:
      return { outcome: 'aborted', message: 'k6: aborted by an external signal (exit 105)' };
    case 108:
      return { outcome: 'aborted', message: 'k6: aborted by the script (test.abort(), exit 108)' };
    default:
      return { outcome: 'failed', message: `k6 exited with code ${code}` };
  }
}
