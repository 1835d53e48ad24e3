import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';

/** A cgroup mount: where it is, its root inside the hierarchy, and (v1) the controllers it holds; v2 holds all. */
interface CgroupMount {
  mountPoint: string;
  root: string;
  version: 1 | 2;
  controllers: readonly string[];
}

/** A cgroup a process is in: its hierarchy's controllers ("memory", "cpu,cpuacct"; v2: "unified") and its folder. */
export interface JoinedCgroup {
  controllers: string;
  /** Its cgroup.procs: a process written there moves into it. */
  procsFile: string;
}

/** v1 hierarchies a stressor does not join: they limit nothing it competes for (or freeze or fence it). */
const NOT_JOINED = new Set(['devices', 'freezer', 'net_cls', 'net_prio', 'perf_event', 'rdma', 'misc']);

/** At most this much of /proc/self/mountinfo or /proc/<pid>/cgroup is read. */
const MAX_PROC_FILE_BYTES = 1_048_576;

const unescapeMount = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The cgroup file systems mounted here, from /proc/self/mountinfo. */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  return mountinfo.split('\n').flatMap((line): CgroupMount[] => {
    const [before, after] = line.split(' - ');
    if (!before || !after) return [];
    const fields = before.split(' ');
    const [fsType, , superOptions = ''] = after.split(' ');
    const root = unescapeMount(fields[3] ?? '/');
    const mountPoint = unescapeMount(fields[4] ?? '');
    if (fsType === 'cgroup2') return [{ mountPoint, root, version: 2 as const, controllers: [] }];
    if (fsType !== 'cgroup') return [];
    const controllers = superOptions.split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.includes('='));
    const named = superOptions.split(',').find((o) => o.startsWith('name='));
    return [{ mountPoint, root, version: 1 as const, controllers: named ? [...controllers, named] : controllers }];
  });
}

/**
 * The cgroups process `pid` is in that a stressor joining it should join (each v1 hierarchy that limits CPU,
 * memory, I/O or pids, and the v2 one), as folders under their mounts, from /proc/<pid>/cgroup. A process in
 * nothing but root cgroups, or one whose cgroups are not mounted here, is refused: there is nothing of its own
 * to join.
 */
export function cgroupsToJoin(procCgroup: string, mounts: readonly CgroupMount[], field: string): JoinedCgroup[] {
  const joined = procCgroup.split('\n').flatMap((line) => {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!match) return [];
    const [, id, list, cgroupPath] = match as unknown as [string, string, string, string];
    const controllers = list.split(',').filter(Boolean);
    if (id === '0' && list === '') {
      const mount = mounts.find((m) => m.version === 2);
      return mount ? [{ controllers: 'unified', cgroupPath, mount }] : [];
    }
    if (controllers.some((c) => c.startsWith('name=') || NOT_JOINED.has(c))) return [];
    const mount = mounts.find((m) => m.version === 1 && controllers.every((c) => m.controllers.includes(c)));
    return mount ? [{ controllers: list, cgroupPath, mount }] : [];
  });
  const own = joined.filter((j) => j.cgroupPath !== '/' && j.cgroupPath !== j.mount.root);
  if (own.length === 0)
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: the process is in no cgroup of its own (only the root ones${joined.length === 0 ? ', or none mounted here' : ''}): there are no limits of its own to share; drop cgroup: true to stress beside it`,
    );
  return own.map(({ controllers, cgroupPath, mount }) => {
    const relative =
      mount.root !== '/' && cgroupPath.startsWith(mount.root) ? cgroupPath.slice(mount.root.length) : cgroupPath;
    return { controllers, procsFile: path.join(mount.mountPoint, relative, 'cgroup.procs') };
  });
}

/** The cgroups of `pid` to join, each checked writable by ordeal (else exit 2, saying which and why). */
export async function joinableCgroupsOf(pid: number, field: string): Promise<JoinedCgroup[]> {
  const read = (file: string) => readFile(file, 'utf8').then((text) => text.slice(0, MAX_PROC_FILE_BYTES));
  const [mountinfo, procCgroup] = await Promise.all([
    read('/proc/self/mountinfo'),
    read(`/proc/${pid}/cgroup`).catch(() => {
      throw new OrdealError(
        'ORDEAL_ERR_PROCESS_FAULT',
        `${field}: the cgroups of pid ${pid} cannot be read: it is gone`,
      );
    }),
  ]);
  const cgroups = cgroupsToJoin(procCgroup, cgroupMounts(mountinfo), field);
  for (const cgroup of cgroups)
    await access(cgroup.procsFile, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${field}: ordeal may not move a process into ${cgroup.procsFile} (${error.code}): run as a user allowed to (root, or one the cgroup is delegated to), or drop cgroup: true`,
      );
    });
  return cgroups;
}

/**
 * A command line that runs `command` inside the cgroups: a shell moves itself into each (its pid into their
 * cgroup.procs, given as arguments, never pasted into the script) and then becomes the command, so the command and
 * every process it forks start inside them.
 */
export function inCgroups(cgroups: readonly JoinedCgroup[], command: readonly string[]): string[] {
  const script = 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
  return ['sh', '-c', script, 'ordeal-cgroup-join', ...cgroups.map((c) => c.procsFile), '--', ...command];
}
