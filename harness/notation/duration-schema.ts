import { z } from 'zod';
import { Duration, parseDurationMs, positiveDurationMs } from './duration.ts';

/**
 * The scenario's durations, defined once: each field takes k6-style text ("500ms", "1m30s")
 * and comes out of validation as a Duration (its text and its milliseconds), so no later
 * reader parses it again. Defaults are given as text (`.prefault('1s')`) and parsed like input.
 * A bad duration aborts its object's cross-field rules (they read `.ms`, which it does not have).
 */
export const DURATION_HINT = 'is not a duration of at most 30 days (use "500ms", "30s", "2m" or "1m30s")';
const ZERO_OR_DURATION_HINT = 'is not a duration of at most 30 days (use "0s", "500ms", "10s")';

const toDuration = (text: string): Duration => new Duration(text, parseDurationMs(text)!);

/** A duration longer than zero. */
export const durationSchema = z
  .string()
  .refine((text) => positiveDurationMs(text) !== undefined, { error: DURATION_HINT, abort: true })
  .transform(toDuration);

/** A duration that may be zero ("0s": no think time, a guard that trips at once). */
export const zeroOrDurationSchema = z
  .string()
  .refine((text) => parseDurationMs(text) !== undefined, { error: ZERO_OR_DURATION_HINT, abort: true })
  .transform(toDuration);

/** A duration of at least `minimumMs`, saying so when it is shorter. */
export const durationAtLeast = (minimumMs: number, hint: string) =>
  z
    .string()
    .refine((text) => (parseDurationMs(text) ?? 0) >= minimumMs, { error: hint, abort: true })
    .transform(toDuration);
