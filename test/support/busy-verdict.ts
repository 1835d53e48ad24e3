/**
 * The verdict a test about something else (cleanup, a container provider) expects of its run — also when ordeal
 * itself said its machine was too busy to judge a latency check: inconclusive, with the busy-host warning, or with
 * every check that did not pass saying its value lay within the generator's own lateness (a test that loosens
 * load.maxSendLag gets no warning, and the error bar still applies). That rule is tested where it is the subject
 * (test/verdict/busy-host.test.ts). Any other outcome is returned as it is, so a FAIL, or an inconclusive for
 * another reason, still fails the test.
 */
export function verdictUnlessBusy(
  report: { verdict: string; warnings?: string[]; checks?: unknown },
  expected: string,
): string {
  const notPassed = ((report.checks ?? []) as { status: string; reason?: string }[]).filter((c) => c.status !== 'pass');
  const busy =
    report.verdict === 'inconclusive' &&
    ((report.warnings ?? []).some((w) => w.startsWith('the machine running ordeal was busy')) ||
      (notPassed.length > 0 &&
        notPassed.every(
          (c) => c.status === 'inconclusive' && /within the generator's own lateness/.test(c.reason ?? ''),
        )));
  return busy ? expected : report.verdict;
}

/**
 * ordeal said its own evidence fell short because of the machine, not the service: the busy-host cases above, or
 * every check that did not pass inconclusive because ordeal's process stalled or its generator fell behind. A test
 * about something else (a CI pipeline's plumbing) may run again on that; any other outcome is the test's to judge.
 */
export function inconclusiveByTheHost(report: { verdict: string; warnings?: string[]; checks?: unknown }): boolean {
  if (report.verdict !== 'inconclusive') return false;
  if (verdictUnlessBusy(report, 'busy') === 'busy') return true;
  const notPassed = ((report.checks ?? []) as { status: string; reason?: string }[]).filter((c) => c.status !== 'pass');
  return (
    notPassed.length > 0 &&
    notPassed.every(
      (c) =>
        c.status === 'inconclusive' &&
        /ordeal was not running|the generator could not keep up|within the generator's own lateness/.test(
          c.reason ?? '',
        ),
    )
  );
}
