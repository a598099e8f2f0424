import { defineConfig } from 'vitest/config';

// Two projects run the same suites: one on the native addon, one on the TypeScript kernels.
// A test that compares backends directly (test/parity.native-only.test.ts) loads both itself.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI reads per-test counts from JSON (.ci/run prints the closing "N passed, N failed").
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest.json' }]] : ['default'],
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.isolated.test.ts'],
          env: { NNINIT_BACKEND: 'native' },
        },
      },
      {
        extends: true,
        test: {
          name: 'js',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.native-only.test.ts', 'test/**/*.isolated.test.ts'],
          env: { NNINIT_BACKEND: 'js' },
        },
      },
    ],
  },
});
