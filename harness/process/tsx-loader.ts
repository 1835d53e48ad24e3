import { createRequire } from 'node:module';

/** Absolute path of tsx's loader, for `--import` in child processes and worker threads that run TypeScript. */
export const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');
