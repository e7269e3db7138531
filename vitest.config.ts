import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // both cores (vitest's default leaves one idle in run mode): the suite's wall time is then about its
    // longest file, test/parallel-scan.test.ts
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
