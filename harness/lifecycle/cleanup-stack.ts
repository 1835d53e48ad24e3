/**
 * Steps that undo what was started, run last-in first-out, each once. Every
 * step runs even when an earlier one fails; the failures come back together,
 * so one stuck process does not leave the others running.
 */
export class CleanupStack {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];

  push(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Forgets every step: the caller undoes things itself, in its own order (a run that ends normally). */
  discard(): void {
    this.steps.length = 0;
  }

  /** Runs every step (newest first) and returns what failed, as "name: message". */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      await step.run().catch((error: Error) => failures.push(`${step.name}: ${error.message}`));
    }
    return failures;
  }
}
