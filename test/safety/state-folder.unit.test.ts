import { chmod, chown, lstat, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendPrivateLine, ensurePrivateFolder } from '../../harness/faults/state-directory.ts';

const scratch = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'ordeal-state-test-'));

describe('the state folder (leases, watchdog.log)', () => {
  it('is created private to the user (0700), and a folder of ours open to others is tightened', async () => {
    const base = await scratch();
    const folder = path.join(base, 'state', 'leases');
    await ensurePrivateFolder(folder);
    expect((await lstat(folder)).mode & 0o777).toBe(0o700);
    await chmod(folder, 0o777);
    await ensurePrivateFolder(folder);
    expect((await lstat(folder)).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder that belongs to another user, or that is a symlink', async () => {
    const base = await scratch();
    const theirs = path.join(base, 'theirs');
    await mkdir(theirs, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      await chown(theirs, 65_534, 65_534);
      await expect(ensurePrivateFolder(path.join(theirs, 'leases'))).rejects.toThrow(
        /state folder ".*theirs" belongs to another user \(uid 65534\); set ORDEAL_STATE_DIR/,
      );
    }
    const real = path.join(base, 'real');
    await mkdir(real);
    await symlink(real, path.join(base, 'link'));
    await expect(ensurePrivateFolder(path.join(base, 'link', 'leases'))).rejects.toThrow(
      /is not a folder \(a symlink or a file\)/,
    );
  });

  it('appends to watchdog.log without following a symlink planted at its name', async () => {
    const base = await scratch();
    const folder = path.join(base, 'leases');
    await mkdir(folder, { mode: 0o700 });
    const victim = path.join(base, 'victim.txt');
    await writeFile(victim, 'untouched\n');
    await symlink(victim, path.join(folder, 'watchdog.log'));
    await expect(appendPrivateLine(path.join(folder, 'watchdog.log'), 'a line\n')).rejects.toMatchObject({
      code: 'ELOOP',
    });
    expect(await readFile(victim, 'utf8')).toBe('untouched\n');
    await appendPrivateLine(path.join(folder, 'other.log'), 'a line\n');
    expect((await lstat(path.join(folder, 'other.log'))).mode & 0o777).toBe(0o600);
  });
});
