import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../../harness/notation/duration.ts';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
  ])('reads %s as %d ms', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });

  it.each(['10x', '', 's', '30', '-5s', '1m 30s', 'thirty seconds'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it('formats durations for people', () => {
    expect(formatDurationMs(90_000)).toBe('1m30s');
    expect(formatDurationMs(120_000)).toBe('2m');
    expect(formatDurationMs(250)).toBe('250ms');
  });
});
