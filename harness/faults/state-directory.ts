import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';

/** `$ORDEAL_STATE_DIR`, else `<tmpdir>/ordeal`: leases and the watchdog's log. */
export function stateDirectory(): string {
  return process.env.ORDEAL_STATE_DIR ?? path.join(os.tmpdir(), 'ordeal');
}

/**
 * Makes `folder` (and its parent state folder) private to this user: created
 * 0700, a real folder (not a symlink), owned by this user — else refused,
 * since another user could plant leases or links there. Tightens the mode of
 * a folder of ours that is open to others.
 */
export async function ensurePrivateFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const dir of new Set([path.dirname(folder), folder])) {
    if (dir === path.dirname(stateDirectory())) continue;
    const info = await lstat(dir);
    const uid = process.getuid?.();
    if (!info.isDirectory() || info.isSymbolicLink()) {
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `state folder "${dir}" is not a folder (a symlink or a file); set ORDEAL_STATE_DIR to a folder of your own`,
      );
    }
    if (uid !== undefined && info.uid !== uid) {
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `state folder "${dir}" belongs to another user (uid ${info.uid}); set ORDEAL_STATE_DIR to a folder of your own`,
      );
    }
    if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  }
}

/** Appends a line to a file in a private folder without following a symlink planted at its name. */
export async function appendPrivateLine(file: string, line: string): Promise<void> {
  await ensurePrivateFolder(path.dirname(file));
  const handle = await open(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    await handle.appendFile(line);
  } finally {
    await handle.close();
  }
}
