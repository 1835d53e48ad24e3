// Worker threads on Node 20 do not inherit the main thread's tsx hooks, and an
// `--import` in a worker's execArgv is not applied to its entry; so the entry is
// plain JavaScript that registers tsx, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./load-worker.ts');
