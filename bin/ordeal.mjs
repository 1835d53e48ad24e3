#!/usr/bin/env node
// From a clone (the TypeScript sources are here): run them through tsx. From an installed
// package: run the compiled JavaScript in dist/, and load tsx only for a .ts scenario file.
import { existsSync } from 'node:fs';

const source = new URL('../harness/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/harness/cli/main.js');
}
