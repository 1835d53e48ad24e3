import { defineConfig } from 'vitest/config';
import tiers from './test/test-tiers.json' with { type: 'json' };

/**
 * Three tiers, run in this order by `npm test` (groupOrder):
 * - unit: pure logic (*.unit.test.ts): no sockets, no child processes, no module stubs; files in parallel, one module cache.
 * - quick: integration tests that take seconds: real servers, Toxiproxy, Prometheus on loopback.
 * - slow: the long end-to-end runs (the bundled stack under whole scenarios, kill loops, containers).
 * Inside quick and slow, the files that measure time (test-tiers.json's "serial": latencies, rates,
 * sub-second deadlines) run alone, one after another, after the others: on a 2-core machine, files
 * running beside them would judge each other. The rest wait on sockets and timers far more than
 * they compute, and run three at a time.
 * `npm run test:unit` runs the first tier, `npm run test:quick` the first two.
 */
export const SLOW_TESTS: string[] = tiers.slow;
const SERIAL_TESTS: string[] = tiers.serial;
const INTEGRATION = ['test/**/*.test.ts'];
const NOT_INTEGRATION = ['test/**/*.unit.test.ts'];
const SHARED_WORKERS = 3;

export default defineConfig({
  test: {
    // Fault leases of test runs go to a folder of their own, not the machine's.
    setupFiles: ['test/support/isolated-state-dir.ts'],
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
          name: 'quick',
          include: INTEGRATION,
          exclude: [...NOT_INTEGRATION, ...SLOW_TESTS, ...SERIAL_TESTS],
          maxWorkers: SHARED_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'quick-serial',
          include: SERIAL_TESTS.filter((file) => !SLOW_TESTS.includes(file)),
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: SLOW_TESTS.filter((file) => !SERIAL_TESTS.includes(file)),
          maxWorkers: SHARED_WORKERS,
          sequence: { groupOrder: 3 },
        },
      },
      {
        extends: true,
        test: {
          name: 'slow-serial',
          include: SLOW_TESTS.filter((file) => SERIAL_TESTS.includes(file)),
          fileParallelism: false,
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});
