import { createRequire } from 'node:module';

// By the package's own name (its exports list ./package.json): the same from the sources and from dist/.
export const ORDEAL_VERSION: string = (createRequire(import.meta.url)('ordeal/package.json') as { version: string })
  .version;
