import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Wire tests open real sockets on port 0; two forks match the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
