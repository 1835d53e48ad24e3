/**
 * "Held without a break for `forMs`", the way a Prometheus alert's `for`
 * works: a false observation resets the streak; an observation without
 * evidence (no requests that second, Prometheus did not answer) neither
 * starts nor breaks one.
 */
export class GuardStreak {
  private streakStartMs?: number;

  constructor(private readonly forMs: number) {}

  /** Observes [startMs, endMs]; true when the condition has now held for `forMs`. */
  observe(startMs: number, endMs: number, holds: boolean | undefined): boolean {
    if (holds === undefined) return false;
    if (!holds) {
      this.streakStartMs = undefined;
      return false;
    }
    this.streakStartMs ??= startMs;
    return endMs - this.streakStartMs >= this.forMs;
  }

  get heldSinceMs(): number | undefined {
    return this.streakStartMs;
  }
}
