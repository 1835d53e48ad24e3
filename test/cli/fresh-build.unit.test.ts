import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuildFresh } from '../../bin/fresh-build.mjs';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A clone-like folder: one harness source and (when `builtAtS` is given) a build, each with its mtime (s). */
function clone(sourceAtS: number, builtAtS?: number): { root: string; built: string; source: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ordeal-fresh-'));
  roots.push(root);
  const source = path.join(root, 'harness', 'cli', 'main.ts');
  const built = path.join(root, 'dist', 'harness', 'cli', 'main.js');
  mkdirSync(path.dirname(source), { recursive: true });
  writeFileSync(source, '');
  for (const entry of [source, path.dirname(source), path.join(root, 'harness')])
    utimesSync(entry, sourceAtS, sourceAtS);
  if (builtAtS !== undefined) {
    mkdirSync(path.dirname(built), { recursive: true });
    writeFileSync(built, '');
    utimesSync(built, builtAtS, builtAtS);
  }
  return { root, built, source };
}

describe('bin/ordeal.mjs runs the compiled build only while it is fresh', () => {
  it('a build newer than every source is fresh; an edit after it, or no build, is not (the sources run)', () => {
    const built = clone(1_000, 2_000);
    expect(isBuildFresh(built.root, built.built)).toBe(true);
    // An edit after the build: never run stale.
    utimesSync(built.source, 3_000, 3_000);
    expect(isBuildFresh(built.root, built.built)).toBe(false);
    // A new file in a folder (the folder's own mtime moves) counts too.
    const added = clone(1_000, 2_000);
    utimesSync(path.join(added.root, 'harness'), 2_500, 2_500);
    expect(isBuildFresh(added.root, added.built)).toBe(false);
    const none = clone(1_000);
    expect(isBuildFresh(none.root, none.built)).toBe(false);
  });
});
