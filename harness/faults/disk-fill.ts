import { constants } from 'node:fs';
import { lstat, open, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';

/** Written a MiB at a time: the fill's memory is this one buffer, whatever its size. */
const CHUNK = Buffer.alloc(1024 * 1024);

/** The fill file's name in `directory` for this fault: ordeal's, the run's, never an existing file's. */
export const fillPathOf = (directory: string, faultId: string): string => path.join(directory, `${faultId}.fill`);

/** The directory is a real directory (not a symlink to one, not a file): exit 2 naming it otherwise. */
export async function assertFillableDirectory(directory: string): Promise<{ freeMb: number }> {
  const stat = await lstat(directory).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `disk_fill.directory ${JSON.stringify(directory)} is ${stat ? (stat.isSymbolicLink() ? 'a symlink' : 'not a directory') : 'not there'}: name an existing directory on the file system to fill (its real path)`,
    );
  const fs = await statfs(directory);
  return { freeMb: Math.floor((fs.bavail * fs.bsize) / (1024 * 1024)) };
}

/**
 * Writes up to `sizeMb` of zeros to a new file at `file` (created exclusively, never through a symlink: an existing
 * name is refused). A full file system ends the fill early: that is the fault. Resolves with how much was written.
 */
export async function writeFill(file: string, sizeMb: number): Promise<{ writtenMb: number; full: boolean }> {
  const handle = await open(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  let writtenMb = 0;
  try {
    for (; writtenMb < sizeMb; writtenMb++) await handle.write(CHUNK, 0, CHUNK.length);
    await handle.sync();
    return { writtenMb, full: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return { writtenMb, full: true };
    throw error;
  } finally {
    await handle.close();
  }
}

/** Deletes the fill file (gone already is fine). */
export async function removeFill(file: string): Promise<void> {
  await rm(file, { force: true });
}
