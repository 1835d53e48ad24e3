// npm run build (and npm's prepare, so npm pack always ships a fresh build): the harness and the
// bundled demo stack compiled to dist/ by tsc (tsconfig.build.json), plus the files tsc does not
// copy — the HTML report's own script and styles.
//
// `node scripts/build.mjs --out <folder> --no-check` is the tests' build (test/support/compiled-build.ts):
// the same JavaScript without declarations or type-checking (the typecheck step does that), written
// beside and then moved into place, so a process starting from the old build never sees half of one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-check': { type: 'boolean' } } });
const out = path.resolve(root, values.out ?? 'dist');
const building = `${out}.building-${process.pid}`;
const fast = values['no-check'] === true;
console.log(
  `ordeal build: compiling harness/ and fixtures/ to ${path.relative(root, out)}/ (tsc -p tsconfig.build.json${fast ? ', no type-check' : ''})`,
);
rmSync(building, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const args = [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', building];
if (fast) args.push('--noCheck', '--declaration', 'false');
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(building, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
for (const asset of ['harness/report/html/report-charts.browser.js', 'harness/report/html/report.css']) {
  mkdirSync(path.dirname(path.join(building, asset)), { recursive: true });
  copyFileSync(path.join(root, asset), path.join(building, asset));
}
rmSync(out, { recursive: true, force: true });
renameSync(building, out);
console.log('ordeal build: done');
