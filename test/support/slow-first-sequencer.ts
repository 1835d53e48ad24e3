import { BaseSequencer, type TestSpecification } from 'vitest/node';
import tiers from '../test-tiers.json' with { type: 'json' };

/**
 * vitest's own order (groups in groupOrder; inside one, the longest first once its cache knows the durations,
 * else the largest file first), except that in every group the files test-tiers.json lists as slow start first,
 * in the list's order (longest first as measured): on a fresh clone, where vitest knows no durations, the pool of
 * three does not end waiting on one long file started last.
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const index = tiers.slow.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index === -1 ? tiers.slow.length : index;
    };
    const groupOf = (spec: TestSpecification): number => spec.project.config.sequence.groupOrder;
    return (await super.sort(files)).sort((a, b) => groupOf(a) - groupOf(b) || rank(a) - rank(b));
  }
}
