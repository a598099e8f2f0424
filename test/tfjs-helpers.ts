/** Helpers of the TF.js suites. */
import { vi } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * Selects TF.js's cpu backend and writes a first tensor with the console muted: TF.js
 * advises installing tfjs-node on its first tensor, which is noise in a test's output.
 */
export async function quietCpuBackend(): Promise<void> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await tfc.setBackend('cpu');
    await tfc.ready();
    tfc.tensor([0]).dispose();
  } finally {
    warn.mockRestore();
    log.mockRestore();
  }
}
