import { fileURLToPath } from 'node:url';
import { TSX_LOADER } from './tsx-loader.ts';

/**
 * A module to run as its own process or thread: from a built package the
 * compiled .js beside the caller, run as it is; from the sources (a clone,
 * the tests) the .ts, run through tsx. `callerUrl` is the caller's
 * import.meta.url; `relativeTs` the module's path from it, as a .ts file.
 */
export function moduleEntry(callerUrl: string, relativeTs: string): { file: string; execArgv: string[] } {
  const compiled = callerUrl.endsWith('.js');
  const file = fileURLToPath(new URL(compiled ? relativeTs.replace(/\.ts$/, '.js') : relativeTs, callerUrl));
  return { file, execArgv: compiled ? [] : ['--import', TSX_LOADER] };
}

/** Whether this code runs compiled (a built package) rather than from its TypeScript sources. */
export const RUNS_COMPILED = import.meta.url.endsWith('.js');
