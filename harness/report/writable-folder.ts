import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { OrdealError } from '../errors/ordeal-error.ts';

/**
 * Before any load: the folder reports will go to exists (or is created) and
 * can be written, so a run is never lost to a report folder that is a file
 * or read-only (exit 2, nothing sent).
 */
export async function assertWritableFolder(field: string, folder: string): Promise<void> {
  const fail = (why: string, cause?: unknown): never => {
    throw new OrdealError('ORDEAL_ERR_USAGE', `${field}: "${folder}" ${why} (give a folder ordeal can write, e.g. --report-dir reports); nothing was sent`, { cause });
  };
  const existing = await stat(folder).catch(() => undefined);
  if (existing && !existing.isDirectory()) fail('is a file, not a folder');
  if (!existing) await mkdir(folder, { recursive: true }).catch((cause: NodeJS.ErrnoException) => fail(`cannot be created (${cause.code ?? cause.message})`, cause));
  await access(folder, constants.W_OK | constants.X_OK).catch((cause: NodeJS.ErrnoException) => fail(`is not writable (${cause.code ?? cause.message})`, cause));
}
