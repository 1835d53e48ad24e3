import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuildFresh } from '../../bin/fresh-build.mjs';

/**
 * The CLI the integration tests start: the harness compiled to JavaScript (as the published package runs it), not
 * the TypeScript sources through tsx — a run's start costs ~1.3 CPU-s instead of ~3.1, over a hundred times a
 * test run. It is built from the sources at the start of a test run whenever any of them is newer than it
 * (vitest's globalSetup, below), so a test never runs an older harness than the files it reads.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COMPILED_BUILD = path.join(ROOT, 'test-artifacts', 'build');
export const COMPILED_CLI = path.join(COMPILED_BUILD, 'harness', 'cli', 'main.js');

/** vitest globalSetup (integration and serial projects): (re)builds the compiled CLI when a source is newer. */
export default function setup(): void {
  if (isBuildFresh(ROOT, COMPILED_CLI)) return;
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'build.mjs'), '--out', COMPILED_BUILD, '--no-check'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`building the compiled CLI for the tests failed (exit ${result.status})`);
}
