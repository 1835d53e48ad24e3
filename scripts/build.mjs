// npm run build (and npm's prepare, so npm pack always ships a fresh build): the harness and the
// bundled demo stack compiled to dist/ by tsc (tsconfig.build.json), plus the files tsc does not
// copy — the HTML report's own script and styles.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
console.log('ordeal build: compiling harness/ and fixtures/ to dist/ (tsc -p tsconfig.build.json)');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const asset of ['harness/report/html/report-charts.browser.js', 'harness/report/html/report.css']) {
  mkdirSync(path.dirname(path.join(dist, asset)), { recursive: true });
  copyFileSync(path.join(root, asset), path.join(dist, asset));
}
console.log('ordeal build: done');
