// Whether a compiled build in a clone is at least as new as the sources it was built from: the newest mtime of the
// files a build reads (harness/, fixtures/, the tsconfigs, package.json, the build script) against the build's
// entry point. Used by bin/ordeal.mjs (run the build when it is fresh, the sources through tsx when it is not) and
// by the tests' build (rebuilt when stale). In an installed package there are no sources: nothing is newer.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const BUILD_SOURCES = [
  'harness',
  'fixtures',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'scripts/build.mjs',
];

/** The newest modification time (ms) under `entry`: a file's own, or a folder's and everything in it. */
export function newestMtimeMs(entry) {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

/** Whether `builtFile` (a build's entry point) exists and is newer than every source under `root`. */
export function isBuildFresh(root, builtFile) {
  const built = statSync(builtFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > 0 && built > Math.max(...BUILD_SOURCES.map((source) => newestMtimeMs(path.join(root, source))));
}
