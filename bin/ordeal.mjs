#!/usr/bin/env node
// An installed package, or a clone whose dist/ is newer than its sources (npm ci and npm run build make it): run
// the compiled JavaScript, as users run it (a run starts in about half the CPU time, no TypeScript compiled at
// start). A clone whose sources changed since its build: run them through tsx, so an edit is never run stale.
// tsx is loaded for a .ts scenario file either way.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBuildFresh } from './fresh-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = new URL('../harness/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/harness/cli/main.js', import.meta.url);
if (existsSync(source) && (process.env.ORDEAL_FROM_SOURCES === '1' || !isBuildFresh(root, fileURLToPath(compiled)))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(compiled.href);
}
