import { defineConfig } from 'vitest/config';
import tiers from './test/test-tiers.json' with { type: 'json' };
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.ts';

/**
 * Four groups, run in this order by `npm test` (groupOrder):
 * - unit: pure logic (*.unit.test.ts): no sockets, no child processes, no module stubs; files in parallel, one module cache.
 * - integration: real servers, Toxiproxy, Prometheus, the bundled stack on loopback. They wait on sockets and timers
 *   far more than they compute, and run three at a time, quick and slow files (test-tiers.json) in one pool: vitest
 *   starts the longest first, so no tier waits on the last long file of another.
 * - paired: files that time a whole stack's reaction in seconds (test-tiers.json's "paired": a breaker, a latency),
 *   two at a time: beside three other files and two busy loops they were starved.
 * - serial: the files that measure time (test-tiers.json's "serial": latencies, rates, sub-second deadlines) run
 *   alone, one after another, last: on a 2-core machine, files running beside them would judge each other.
 * `npm run test:unit` runs the first group; `npm run test:quick` (ORDEAL_TESTS=quick) runs all three without the
 * files test-tiers.json lists as slow.
 */
export const SLOW_TESTS: string[] = tiers.slow;
const SERIAL_TESTS: string[] = tiers.serial;
const PAIRED_TESTS: string[] = tiers.paired;
const LEFT_OUT: string[] = process.env['ORDEAL_TESTS'] === 'quick' ? SLOW_TESTS : [];
const INTEGRATION = ['test/**/*.test.ts'];
const NOT_INTEGRATION = ['test/**/*.unit.test.ts'];
const SHARED_WORKERS = 3;
/** Integration tests start the CLI compiled, built first if a source is newer (test/support/compiled-build.ts). */
const COMPILED_CLI_SETUP = 'test/support/compiled-build.ts';

export default defineConfig({
  test: {
    // Fault leases of test runs go to a folder of their own, not the machine's.
    setupFiles: ['test/support/isolated-state-dir.ts'],
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        // Pure logic shares one module cache (threads, not isolated): no file stubs a module or a global, and fake
        // timers are put back after each test. 7 s instead of 22 s on this machine, nearly all of it loading modules.
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          pool: 'threads',
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          globalSetup: [COMPILED_CLI_SETUP],
          include: INTEGRATION,
          exclude: [...NOT_INTEGRATION, ...SERIAL_TESTS, ...PAIRED_TESTS, ...LEFT_OUT],
          maxWorkers: SHARED_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'paired',
          globalSetup: [COMPILED_CLI_SETUP],
          include: PAIRED_TESTS,
          exclude: LEFT_OUT,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          globalSetup: [COMPILED_CLI_SETUP],
          include: SERIAL_TESTS,
          exclude: LEFT_OUT,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
