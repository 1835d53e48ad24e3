import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Finds `prometheus` (or `promtool`): $ORDEAL_PROMETHEUS_DIR, then PATH, then /usr/bin (Debian's package). */
export async function findPrometheus(
  name: 'prometheus' | 'promtool' = 'prometheus',
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dirs = [env.ORDEAL_PROMETHEUS_DIR, ...(env.PATH ?? '').split(path.delimiter), '/usr/bin'].filter(
    (d): d is string => Boolean(d),
  );
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  throw new OrdealError(
    'ORDEAL_ERR_PROMETHEUS',
    `${name} is not installed (run \`npm run setup\` as root, which installs Debian's prometheus package, or set ORDEAL_PROMETHEUS_DIR, or give prometheus.url)`,
  );
}
