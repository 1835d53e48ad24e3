import { readFile } from 'node:fs/promises';

/** The scheduler's state of a process (/proc/<pid>/stat field 3): "T" while stopped; undefined once it is gone. */
export async function processStateOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}
