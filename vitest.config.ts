import { defineConfig } from 'vitest/config';
import slowTests from './test/slow-tests.json' with { type: 'json' };

/**
 * Three tiers, run in this order by `npm test` (groupOrder):
 * - unit: pure logic (*.unit.test.ts): no sockets, no child processes; files in parallel.
 * - quick: integration tests that take seconds: real servers, Toxiproxy, Prometheus on loopback.
 * - slow: the long end-to-end runs (the bundled stack under whole scenarios, kill loops, containers).
 * Integration files run one at a time: on a 2-core machine, parallel files' latencies would judge each other.
 * `npm run test:unit` runs the first tier, `npm run test:quick` the first two.
 */
export const SLOW_TESTS: string[] = slowTests.slow;

export default defineConfig({
  test: {
    // Fault leases of test runs go to a folder of their own, not the machine's.
    setupFiles: ['test/support/isolated-state-dir.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'], sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: ['test/**/*.unit.test.ts', ...SLOW_TESTS], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      { extends: true, test: { name: 'slow', include: SLOW_TESTS, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
