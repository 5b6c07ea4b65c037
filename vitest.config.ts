import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // isolated-vm needs --no-node-snapshot in every process that creates isolates; workers are forked with it,
    // and test processes get it here in case a test uses the sandbox in-process.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
  },
});
