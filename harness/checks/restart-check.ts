import { z } from 'zod';
import { defineCheckKind } from './check-kind.ts';
import { duration, kindName, phase } from './check-fields.ts';
import type { CheckResult } from './check-result.ts';
import { inconclusive, judged, seconds, type ResilienceContext } from './resilience-context.ts';

const KIND = 'restart';

/**
 * A look is due every 100 ms (faults/restart-watch.ts): a gap of more than three between the last look that did not
 * see the process back and the one that did means ordeal was paused or starved, and a return across the bound
 * within that gap cannot be placed against it.
 */
const LOOK_GAP_MS = 300;

const restartSchema = z.strictObject({
  kind: kindName(KIND, 'a process a kill fault ended runs again (its supervisor restarted it) within a time'),
  phase: phase.describe('The phase whose kill fault ends the process.'),
  process: z.string().min(1).describe('The process the kill names (its fault\'s "process").'),
  within: duration.describe('It must run again (a new pid) within this long of the kill.'),
});
type RestartCheck = z.output<typeof restartSchema>;

/**
 * The process a kill of this phase ended runs again within `within` of the kill, as ordeal's watch saw it (a look
 * every 100 ms from the kill to the phase's end). Seen back in time: PASS; still not running again past the bound:
 * FAIL; a kill that did not end the process, a phase that ended before the bound, or a gap in the looks (ordeal
 * paused) across the bound: INCONCLUSIVE, saying which.
 */
export function evaluateRestart(check: RestartCheck, context: ResilienceContext): CheckResult {
  const base = {
    name: `${check.process} runs again within ${check.within}`,
    phase: check.phase,
    metric: KIND,
    expected: `a new ${check.process} process within ${check.within} of the kill`,
  };
  if (!context.windows.has(check.phase)) return inconclusive(base, 'the phase did not run');
  const kill = context.faults.find(
    (f) => f.phase === check.phase && f.fault.kind === 'kill' && f.fault.process === check.process,
  );
  if (!kill) return inconclusive(base, `no kill of "${check.process}" was applied in this phase`);
  const outcome = kill.process?.outcome ?? '';
  if (outcome.includes('the signal did not end it')) return inconclusive(base, `the kill did not end it: ${outcome}`);
  const back = kill.process?.back;
  if (!back) return inconclusive(base, 'ordeal has no record of looking for it after the kill');
  const boundMs = check.within.ms;
  const notBackAfterMs = back.lookedNotBackAtMs - kill.appliedAtMs;
  if (back.seenBackAtMs === undefined) {
    if (notBackAfterMs > boundMs)
      return judged(
        base,
        false,
        null,
        `not running again ${seconds(notBackAfterMs)} s after the kill (${outcome || 'not seen back by the phase\u2019s end'})`,
      );
    return inconclusive(
      base,
      `not seen back, but ordeal last looked ${seconds(notBackAfterMs)} s after the kill, before ${check.within} had passed (the phase ended, or ordeal was paused)`,
    );
  }
  const backAfterMs = back.seenBackAtMs - kill.appliedAtMs;
  if (backAfterMs <= boundMs) return judged(base, true, seconds(backAfterMs));
  const gapMs = back.seenBackAtMs - back.lookedNotBackAtMs;
  if (notBackAfterMs <= boundMs && gapMs > LOOK_GAP_MS)
    return inconclusive(
      base,
      `running again between ${seconds(notBackAfterMs)} s and ${seconds(backAfterMs)} s after the kill: ordeal did not look for ${seconds(gapMs)} s (it was paused or starved), across the ${check.within} bound`,
    );
  return judged(base, false, seconds(backAfterMs), `running again only ${seconds(backAfterMs)} s after the kill`);
}

export const restartKind = defineCheckKind({
  kind: KIND,
  schema: restartSchema,
  source: () => 'load',
  reads: () => [],
  issues: (check, scene) =>
    scene.killsIn(check.phase).includes(check.process)
      ? []
      : [
          {
            path: ['process'],
            input: check.process,
            message: `is not killed in phase "${check.phase}" (add a fault { process: "${check.process}", kind: "kill" } to that phase, or name a process it kills)`,
          },
        ],
  describe: (check) => `${check.process} runs again within ${check.within} of its kill`,
  observedUnit: () => 's',
  evaluate: (check, context) => [evaluateRestart(check, context)],
});
