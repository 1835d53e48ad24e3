import { defineConfig } from 'vitest/config';

// Integration tests start real servers (Toxiproxy, the bundled stack) and drive
// load on loopback; running files in parallel on a 2-core machine would make
// their latencies judge each other, so files run one at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    // Fault leases of test runs go to a folder of their own, not the machine's.
    setupFiles: ['test/support/isolated-state-dir.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
