/**
 * Waits until `condition` holds, looking every `intervalMs`; resolves with how long that took (ms), rejects after
 * `timeoutMs`. For states outside the test's process (another process's, a container's), where no event tells.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<number> {
  const startedAt = performance.now();
  while (!(await condition())) {
    if (performance.now() - startedAt > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return performance.now() - startedAt;
}
