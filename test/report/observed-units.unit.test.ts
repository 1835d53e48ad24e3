import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachProgressPrinter } from '../../harness/cli/progress-printer.ts';
import { formatObserved } from '../../harness/report/format-number.ts';
import { RunEvents } from '../../harness/events/run-events.ts';

describe('every observed value says its unit', () => {
  it.each([
    [1, 'http_reqs', 'ratio>=0.95', undefined, '1× target'],
    [98.5, 'http_reqs', 'rate>=100', undefined, '98.5 req/s'],
    [600, 'http_reqs', 'count==600', undefined, '600 requests'],
    [3, 'health', '/health/ready OK in every sample', undefined, '3 failed samples'],
    [1, 'no-alert', 'no critical alert firing', undefined, '1 alerts firing'],
    [2, 'autoscaling', '<= 4 direction changes', undefined, '2 direction changes'],
    [2.4, 'autoscaling', '>= 2 replicas within 20s', undefined, '2.4 s'],
    [16, 'failover', 'errors for <= 2s', 's', '16 s'],
    [65.75, 'failover', 'replica serves traffic', 'req/s', '65.75 req/s'],
  ])('%s %s (%s)', (value, metric, expected, unit, shown) => {
    expect(formatObserved(value, metric, expected, unit)).toBe(shown);
  });
});

describe('the live progress line', () => {
  const snapshot = {
    phase: 'peak',
    phaseIndex: 2,
    phaseCount: 6,
    elapsedMs: 3_000,
    remainingMs: 17_000,
    targetRatePerSec: 260,
    achievedRatePerSec: 258,
    p95Ms: 6.6,
    sendLagP99Ms: 0.4,
    phaseErrors: 0,
    phaseRequests: 700,
    activeFaults: [],
  };
  const printed = (columns: number | undefined): string => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const events = new RunEvents();
    attachProgressPrinter(events, stream, {
      live: true,
      bold: (t) => t,
      dim: (t) => t,
      green: (t) => t,
      red: (t) => t,
      yellow: (t) => t,
    });
    events.emit('progress', snapshot);
    return text;
  };

  it('is whole on a terminal that reports no width (0), and cut to the width of one that does', () => {
    expect(printed(0)).toContain('faults: none');
    expect(printed(undefined)).toContain('faults: none');
    expect(printed(40).replace('\r\u001b[2K', '')).toHaveLength(39);
  });
});
