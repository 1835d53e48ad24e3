import { describe, expect, it } from 'vitest';
import { describeK6Exit, K6PointReader, parseK6Line } from '../../harness/k6/k6-ndjson.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { totalErrors } from '../../harness/metrics/error-kind.ts';
import { percentileMs } from '../../harness/metrics/latency-histogram.ts';
import { findK6Binary } from '../../harness/load/k6-driver.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { startCountingServer } from '../support/counting-server.ts';

const RUN_START = Date.parse('2026-11-27T10:00:00Z');
const at = (ms: number): string => new Date(RUN_START + ms).toISOString().replace('Z', '123456+00:00');

/** Lines as `k6 run --out json=…` writes them (format from k6's JSON output documentation). */
function point(metric: string, timeMs: number, value: number, tags: Record<string, string> | null): string {
  return JSON.stringify({ type: 'Point', data: { time: at(timeMs), value, tags }, metric });
}
const METRIC_LINES = [
  '{"type":"Metric","data":{"type":"gauge","contains":"default","tainted":null,"thresholds":[],"submetrics":null},"metric":"vus"}',
  '{"type":"Metric","data":{"type":"trend","contains":"time","tainted":null,"thresholds":["p(95)<500"],"submetrics":null},"metric":"http_req_duration"}',
];
const tags = (phase: string, status: string, extra: Record<string, string> = {}): Record<string, string> => ({
  group: '',
  method: 'GET',
  name: 'http://127.0.0.1:8080/api/quotes/ACME',
  proto: 'HTTP/1.1',
  scenario: phase,
  status,
  url: 'http://127.0.0.1:8080/api/quotes/ACME',
  expected_response: String(Number(status) > 0 && Number(status) < 400),
  phase,
  ...extra,
});

describe('k6 NDJSON output', () => {
  it('parses Metric and Point lines, with nanosecond timestamps and zone offsets', () => {
    expect(parseK6Line(METRIC_LINES[1]!)).toEqual({ kind: 'metric', name: 'http_req_duration', metricType: 'trend' });
    const parsed = parseK6Line(
      '{"type":"Point","data":{"time":"2017-05-09T14:34:45.239531499+02:00","value":459.865729,"tags":{"status":"200"}},"metric":"http_req_duration"}',
    );
    expect(parsed).toEqual({
      kind: 'point',
      metric: 'http_req_duration',
      timeMs: Date.parse('2017-05-09T12:34:45.239Z'),
      value: 459.865729,
      tags: { status: '200' },
    });
    expect(
      parseK6Line('{"type":"Point","data":{"time":"yesterday","value":1,"tags":null},"metric":"vus"}'),
    ).toMatchObject({ kind: 'invalid' });
    expect(parseK6Line('{"type":"Point","da')).toMatchObject({ kind: 'invalid' });
    expect(parseK6Line('')).toBeUndefined();
  });

  it('records http_req_duration points into per-second histograms by phase tag: latency, status errors, timeouts, dropped arrivals', () => {
    const recorder = new PhaseRecorder(RUN_START);
    const reader = new K6PointReader(recorder);
    const lines = [
      ...METRIC_LINES,
      point('vus', 100, 5, null),
      // 100 quick successes in "warm" second 0 (points are stamped when the request ended).
      ...Array.from({ length: 100 }, (_, i) => point('http_req_duration', 10 + i * 9 + 12, 12, tags('warm', '200'))),
      point('http_req_failed', 30, 0, tags('warm', '200')),
      // "peak" second 1: 8 slow, one 503, one timeout (status 0, error_code 1050), one refused (1212), one reset by peer (1220), one DNS failure (1100).
      ...Array.from({ length: 8 }, (_, i) =>
        point('http_req_duration', 1_100 + i * 50 + 400, 400, tags('peak', '200')),
      ),
      point('http_req_duration', 1_600, 5, tags('peak', '503')),
      point('http_req_duration', 1_700 + 5_000, 5_000, tags('peak', '0', { error_code: '1050' })),
      point('http_req_duration', 1_800, 1, tags('peak', '0', { error_code: '1212' })),
      point('http_req_duration', 1_810, 1, tags('peak', '0', { error_code: '1220' })),
      point('http_req_duration', 1_820, 1, tags('peak', '0', { error_code: '1100' })),
      point('dropped_iterations', 1_900, 2, { phase: 'peak', scenario: 'peak' }),
      point('http_req_duration', 1_950, 3, { status: '200' }),
      'not json at all',
    ];
    for (const line of lines) reader.line(line);
    const [warm] = recorder.seconds('warm');
    expect(warm).toMatchObject({ second: 0, requests: 100, dropped: 0 });
    expect(percentileMs(warm!.latency, 50)).toBeCloseTo(12, 0);
    const peak = recorder.seconds('peak').find((b) => b.second === 1)!;
    expect(peak.requests).toBe(13);
    expect(peak.errors).toEqual({
      http_4xx: 0,
      http_5xx: 1,
      timeout: 1,
      refused: 1,
      reset: 1,
      connection: 1,
      unexpected_status: 0,
      capture: 0,
    });
    expect(totalErrors(peak.errors)).toBe(5);
    expect(peak.dropped).toBe(2);
    expect(percentileMs(peak.latency, 50)).toBeCloseTo(400, -1);
    expect(reader.untagged).toBe(1);
    expect(reader.invalidLines).toBe(1);
  });

  it("maps k6's exit codes", () => {
    expect(describeK6Exit(0, null).outcome).toBe('ok');
    expect(describeK6Exit(99, null).outcome).toBe('thresholds');
    expect(describeK6Exit(104, null).outcome).toBe('config');
    expect(describeK6Exit(107, null).outcome).toBe('config');
    expect(describeK6Exit(105, null).outcome).toBe('aborted');
    expect(describeK6Exit(108, null).outcome).toBe('aborted');
    expect(describeK6Exit(null, 'SIGKILL').outcome).toBe('aborted');
    expect(describeK6Exit(3, null).outcome).toBe('failed');
  });
});

const k6 = findK6Binary();
describe.skipIf(!k6)(
  `the k6 driver end to end${k6 ? '' : ' (skipped: no k6 binary on PATH or in K6_BINARY; k6 cannot be installed on this machine)'}`,
  () => {
    it('drives a scenario through k6 and judges it per phase', { timeout: 120_000 }, async () => {
      const target = await startCountingServer();
      const scenario = validateScenario({
        name: 'through-k6',
        target: { baseUrl: target.url },
        load: { driver: 'k6' },
        requests: [{ path: '/' }],
        phases: [
          { name: 'warm', duration: '3s', rate: 20 },
          { name: 'hold', duration: '3s', rate: 40 },
        ],
      });
      const report = await runScenario(scenario);
      expect(report.load.driver).toBe('k6');
      // constant-arrival-rate: 20/s × 3 s and 40/s × 3 s, each request tagged with its phase.
      expect(report.phases[0]!.requests).toBeGreaterThanOrEqual(58);
      expect(report.phases[1]!.requests).toBeGreaterThanOrEqual(118);
      expect(target.requests()).toBeGreaterThanOrEqual(170);
      await target.close();
    });
  },
);

describe.skipIf(k6 !== undefined)('engine "k6" without a k6 binary', () => {
  it('exits 3 before any load, saying how to provide k6', async () => {
    const { runCli } = await import('../../harness/cli/program.ts');
    const { bufferIo } = await import('../support/buffer-io.ts');
    const { writeTempScenario } = await import('../support/temp-scenario.ts');
    const target = await startCountingServer();
    const { file, reportDir } = await writeTempScenario({
      name: 'no-k6',
      engine: 'k6',
      target: { baseUrl: target.url },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '2s', rate: 5 }],
    });
    const io = bufferIo();
    expect(await runCli(['run', file, '--report-dir', reportDir], io)).toBe(3);
    expect(io.err()).toContain('load.driver "k6" needs a k6 binary: set K6_BINARY, or put k6 on PATH');
    // No request: the only contact is the TCP handshake that checks something listens at the target.
    expect(target.requests()).toBe(0);
    await target.close();
  });
});
