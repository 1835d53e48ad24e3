import { describe, expect, it } from 'vitest';
import { Duration } from '../../harness/notation/duration.ts';
import { durationSchema, zeroOrDurationSchema } from '../../harness/notation/duration-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { OrdealError } from '../../harness/errors/ordeal-error.ts';

const minimal = (extra: Record<string, unknown> = {}) => ({
  name: 'durations',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  requests: [{ path: '/' }],
  phases: [{ name: 'p', duration: '1m30s', rate: 1 }],
  ...extra,
});

describe('durations are parsed once, by the schema', () => {
  it('a duration field comes out as its text and its milliseconds', () => {
    const parsed = durationSchema.parse('1m30s');
    expect(parsed).toBeInstanceOf(Duration);
    expect(parsed).toMatchObject({ text: '1m30s', ms: 90_000 });
    expect(zeroOrDurationSchema.parse('0s').ms).toBe(0);
  });

  it('serialises as the text the user wrote (report.json, an exported scenario)', () => {
    expect(JSON.stringify({ after: durationSchema.parse('2s') })).toBe('{"after":"2s"}');
    expect(`${durationSchema.parse('500ms')}`).toBe('500ms');
  });

  it('defaults are written once, as text, and come out parsed like input', () => {
    const scenario = validateScenario(minimal());
    expect(scenario.phases[0]!.duration.ms).toBe(90_000);
    expect(scenario.load.timeout).toMatchObject({ text: '5s', ms: 5_000 });
    expect(scenario.load.warmup).toMatchObject({ text: '1s', ms: 1_000 });
    expect(scenario.load.maxSendLag).toMatchObject({ text: '10ms', ms: 10 });
    expect(scenario.limits.maxDuration.ms).toBe(7_200_000);
    expect(scenario.report.checkpointEvery.ms).toBe(300_000);
    expect(scenario.scrape.interval.ms).toBe(1_000);
  });

  it('a default object keeps the fields the user gave and fills the rest', () => {
    const scenario = validateScenario(minimal({ load: { timeout: '2s' } }));
    expect(scenario.load.timeout.ms).toBe(2_000);
    expect(scenario.load.maxSendLag.ms).toBe(10);
  });

  it('a bad duration names its field and the fix, and no cross-field rule trips over it', () => {
    let error: unknown;
    try {
      validateScenario(minimal({ phases: [{ name: 'p', duration: '90 seconds', rate: 1 }] }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OrdealError);
    const message = (error as Error).message;
    expect(message).toMatch(/phases\[0\]\.duration/);
    expect(message).toMatch(/is not a duration of at most 30 days \(use "500ms"/);
    expect(message).not.toMatch(/NaN|undefined|would run for/);
  });
});
