/**
 * The committed package-lock.json is what `npm install` writes for package.json: its root
 * entry carries every field npm copies from package.json, so an install on a fresh clone
 * leaves the lockfile unchanged (it used to add `bin` and `peerDependencies`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  name: string; version: string; lockfileVersion: number; packages: Record<string, Record<string, unknown>>;
};

describe('package-lock.json', () => {
  test('its root entry matches package.json field for field', () => {
    const root = lock.packages['']!;
    expect(lock.name).toBe(pkg.name);
    expect(lock.version).toBe(pkg.version);
    for (const k of ['name', 'version', 'license', 'bin', 'engines', 'dependencies', 'devDependencies', 'optionalDependencies',
      'peerDependencies', 'peerDependenciesMeta', 'workspaces', 'funding', 'os', 'cpu']) {
      expect(root[k], k).toEqual(pkg[k]);
    }
    const scripts = pkg.scripts as Record<string, string>;
    expect(root.hasInstallScript ?? false).toBe(Boolean(scripts.install ?? scripts.preinstall ?? scripts.postinstall));
  });
  test('every direct dependency is locked at a version its range allows', () => {
    const all = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) } as Record<string, string>;
    for (const [name, range] of Object.entries(all)) {
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked, name).toBeDefined();
      // Exact pins must match exactly; caret ranges keep the major version.
      if (/^\d/.test(range)) expect(locked!.version, name).toBe(range);
      else if (range.startsWith('^')) expect(String(locked!.version).split('.')[0], name).toBe(range.slice(1).split('.')[0]);
    }
  });
});
