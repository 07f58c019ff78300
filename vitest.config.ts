import { defineConfig } from 'vitest/config';

// Three projects so the test command can report each suite; browser tests need Chromium,
// server tests need both databases (see test/run.mjs, which checks and sets them up first).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/server/**', 'test/browser/**'] } },
      { test: { name: 'server', include: ['test/server/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
