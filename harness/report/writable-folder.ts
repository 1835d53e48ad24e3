import { constants } from 'node:fs';
import { access, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';

/**
 * Before any load: the folder reports will go to exists (or is created) and
 * can be written, so a run is never lost to a report folder that is a file
 * or read-only (exit 2, nothing sent).
 */
export async function assertWritableFolder(field: string, folder: string): Promise<void> {
  const fail = (why: string, cause?: unknown): never => {
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `${field}: "${folder}" ${why} (give a folder ordeal can write, e.g. --report-dir reports); nothing was sent`,
      { cause },
    );
  };
  // /proc, /sys and /dev are the kernel's, not folders for files (Node's recursive mkdir loops forever on /proc).
  const within = await realpathOfNearest(folder);
  const pseudo = PSEUDO_FILESYSTEMS.find((root) => within === root || within.startsWith(`${root}/`));
  if (pseudo) fail(`is under ${pseudo}, the kernel's pseudo-filesystem, not a place for files`);
  const existing = await stat(folder).catch(() => undefined);
  if (existing && !existing.isDirectory()) fail('is a file, not a folder');
  if (!existing)
    await mkdir(folder, { recursive: true }).catch((cause: NodeJS.ErrnoException) =>
      fail(`cannot be created (${cause.code ?? cause.message})`, cause),
    );
  await access(folder, constants.W_OK | constants.X_OK).catch((cause: NodeJS.ErrnoException) =>
    fail(`is not writable (${cause.code ?? cause.message})`, cause),
  );
}

const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

/** The real path of `folder`, or of its nearest ancestor that exists (with the rest appended). */
async function realpathOfNearest(folder: string): Promise<string> {
  const rest: string[] = [];
  let current = path.resolve(folder);
  for (;;) {
    const real = await realpath(current).catch(() => undefined);
    if (real) return path.join(real, ...rest.reverse());
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(folder);
    rest.push(path.basename(current));
    current = parent;
  }
}
