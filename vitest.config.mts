import { defineConfig } from 'vitest/config';

// Three projects run the same suites: on the native addon, on the WebAssembly kernels and on
// the TypeScript kernels. A test that compares backends directly loads both itself
// (test/parity.native-only.test.ts, test/parity-wasm.wasm-only.test.ts: *.native-only and
// *.wasm-only files run in one project).
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI reads per-test counts from JSON (.ci/run prints the closing "N passed, N failed").
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest.json' }]] : ['default'],
    maxWorkers: 2,
    setupFiles: ['test/setup-node.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.isolated.test.ts', 'test/**/*.wasm-only.test.ts'],
          env: { NNINIT_BACKEND: 'native' },
        },
      },
      {
        extends: true,
        test: {
          name: 'js',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.native-only.test.ts', 'test/**/*.wasm-only.test.ts', 'test/**/*.isolated.test.ts'],
          env: { NNINIT_BACKEND: 'js' },
        },
      },
      {
        extends: true,
        test: {
          name: 'wasm',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.native-only.test.ts', 'test/**/*.isolated.test.ts'],
          env: { NNINIT_BACKEND: 'wasm' },
        },
      },
    ],
  },
});
