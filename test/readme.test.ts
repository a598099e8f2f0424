/** Every TypeScript example in README.md runs (against this checkout's lib/). */
import { describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(__dirname, '.readme');

describe('README examples', () => {
  test('the README has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });
  blocks.forEach((code, i) => {
    test(`example ${i + 1}: ${code.split('\n')[0]!.slice(0, 60)}`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `example-${i + 1}.ts`);
      const src = code
        .replace(/from 'nninit\/tfjs'/g, `from ${JSON.stringify(join(root, 'lib', 'tfjs', 'index.js'))}`)
        .replace(/from 'nninit'/g, `from ${JSON.stringify(join(root, 'lib', 'index.js'))}`);
      const logs: unknown[][] = [];
      const orig = console.log;
      console.log = (...a: unknown[]) => { logs.push(a); };
      try {
        writeFileSync(file, `${src}\nexport {};\n`);
        await import(file);
      } finally {
        console.log = orig;
      }
      // Examples print what they computed; nothing printed may be undefined or NaN.
      for (const line of logs) for (const v of line) {
        expect(v).not.toBeUndefined();
        if (typeof v === 'number') expect(Number.isNaN(v)).toBe(false);
      }
    });
  });
});
