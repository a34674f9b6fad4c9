import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start the real chain: one at a time, generous time.
    fileParallelism: false,
    testTimeout: 20_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
