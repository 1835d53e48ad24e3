import { z } from 'zod';
import { defineCheckKind } from '../../harness/index.ts';

/**
 * A check kind of a user's own, whole in one file (as test/checks/toy-kind.test.ts registers it): "at most N
 * seconds of the phase had a failed request", judged on the load ordeal recorded, reading no signal.
 */
export const quietSecondsKind = defineCheckKind({
  kind: 'quiet-seconds',
  schema: z.strictObject({
    kind: z.literal('quiet-seconds').describe('"quiet-seconds": few seconds of a phase see a failed request.'),
    phase: z.string().min(1).describe('The phase judged.'),
    maxErrorSeconds: z.int().min(0).default(0).describe('At most this many seconds with a failed request.'),
  }),
  source: () => 'load',
  reads: () => [],
  describe: (check) => `at most ${check.maxErrorSeconds} seconds with a failed request`,
  observedUnit: () => 'seconds with errors',
  evaluate(check, context) {
    const base = {
      name: `quiet seconds <= ${check.maxErrorSeconds}`,
      phase: check.phase,
      metric: 'quiet-seconds',
      expected: `<= ${check.maxErrorSeconds} seconds with errors`,
    };
    const seconds = context.load.filter((second) => second.phase === check.phase);
    // Never a PASS on missing data: a phase with no recorded second is not quiet, it is unseen.
    if (seconds.length === 0)
      return [{ ...base, status: 'inconclusive', passed: false, observed: null, reason: 'the phase recorded nothing' }];
    const noisy = seconds.filter((second) => second.errors > 0).length;
    const passed = noisy <= check.maxErrorSeconds;
    return [{ ...base, status: passed ? 'pass' : 'fail', passed, observed: noisy }];
  },
});
