const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION_PATTERN = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** The longest duration ordeal times: 30 days (a 400-digit number of seconds is not a duration). */
export const MAX_DURATION_MS = 30 * 24 * 3_600_000;

/** Parses k6-style durations ("500ms", "30s", "2m", "1m30s", "1h") into milliseconds; undefined when it is not one, or longer than 30 days. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let totalMs = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART_PATTERN)) {
    totalMs += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return Number.isFinite(totalMs) && totalMs <= MAX_DURATION_MS ? Math.round(totalMs) : undefined;
}

/** A duration longer than zero, in milliseconds ("0s", or not a duration: undefined); the CLI's flags read it too, without zod. */
export function positiveDurationMs(text: string): number | undefined {
  const ms = parseDurationMs(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/**
 * A duration as the scenario wrote it and in milliseconds, parsed once by the schema
 * (notation/duration-schema.ts): code reads `.ms`, people read `.text`. It serialises
 * as its text, so report.json and an exported scenario say what the user wrote.
 */
export class Duration {
  constructor(
    readonly text: string,
    readonly ms: number,
  ) {}

  toJSON(): string {
    return this.text;
  }

  toString(): string {
    return this.text;
  }
}

export function formatDurationMs(durationMs: number): string {
  if (durationMs < 1_000) return `${Math.round(durationMs)}ms`;
  const totalSec = Math.round(durationMs / 1_000);
  const minutes = Math.floor(totalSec / 60);
  const seconds = totalSec % 60;
  if (minutes === 0) return `${seconds}s`;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

/** A phase lasts at least a second, whatever it asks for (per-second buckets and phase edges need one). */
export function effectivePhaseMs(durationMs: number): number {
  return Math.max(1_000, Math.round(durationMs));
}
