import { BaseSequencer, type TestSpecification } from 'vitest/node';
import tiers from '../test-tiers.json' with { type: 'json' };

/** The integration files in the order they should start: the slow ones, then the quick ones, each longest first. */
const STARTING_ORDER: readonly string[] = [...tiers.slow, ...tiers.quick];

/**
 * vitest's own order (groups in groupOrder; inside one, the longest first once its cache knows the durations,
 * else the largest file first), except that in every group the files test-tiers.json lists start in its order:
 * the slow ones, then the quick ones, each list longest first as measured. On a fresh clone, where vitest knows
 * no durations, the pool of three does not end waiting on one long file started last.
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const index = STARTING_ORDER.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index === -1 ? STARTING_ORDER.length : index;
    };
    const groupOf = (spec: TestSpecification): number => spec.project.config.sequence.groupOrder;
    return (await super.sort(files)).sort((a, b) => groupOf(a) - groupOf(b) || rank(a) - rank(b));
  }
}
