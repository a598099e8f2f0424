import { defineConfig } from 'vitest/config';

// Latency-sensitive suites (*.isolated.test.ts) run after the main ones, one file at a
// time, so no other test saturates the cores while they measure.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    setupFiles: ['test/setup-node.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-isolated.json' }]] : ['default'],
    projects: [
      { extends: true, test: { name: 'native', include: ['test/**/*.isolated.test.ts'], env: { NNINIT_BACKEND: 'native' } } },
      { extends: true, test: { name: 'js', include: ['test/**/*.isolated.test.ts'], env: { NNINIT_BACKEND: 'js' } } },
      { extends: true, test: { name: 'wasm', include: ['test/**/*.isolated.test.ts'], env: { NNINIT_BACKEND: 'wasm' } } },
    ],
  },
});
