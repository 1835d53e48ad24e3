import { describe, expect, it } from 'vitest';
import { cgroupMounts, cgroupsToJoin, inCgroups } from '../../harness/process/cgroups.ts';

/** A hybrid machine like this one: v1 controllers, one per mount, and the v2 hierarchy under unified/. */
const HYBRID = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '50 22 0:40 / /tmp rw - tmpfs tmpfs rw',
].join('\n');

/** A systemd machine on v2 only. */
const UNIFIED = '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';

describe('cgroups: where a stressor joins a process', () => {
  it('on a hybrid machine: each limiting v1 hierarchy of the process, and its v2 one; never freezer or name=', () => {
    const joined = cgroupsToJoin(
      ['9:name=systemd:/app', '6:freezer:/app', '4:memory:/app', '2:cpuacct:/', '1:cpu:/app', '0::/app'].join('\n'),
      cgroupMounts(HYBRID),
      'field',
    );
    expect(joined).toEqual([
      { controllers: 'memory', procsFile: '/sys/fs/cgroup/memory/app/cgroup.procs' },
      { controllers: 'cpu', procsFile: '/sys/fs/cgroup/cpu/app/cgroup.procs' },
      { controllers: 'unified', procsFile: '/sys/fs/cgroup/unified/app/cgroup.procs' },
    ]);
  });

  it('on v2 only: its one cgroup; a mount whose root is the namespace (a container) is followed', () => {
    expect(cgroupsToJoin('0::/system.slice/ledger.service', cgroupMounts(UNIFIED), 'f')).toEqual([
      { controllers: 'unified', procsFile: '/sys/fs/cgroup/system.slice/ledger.service/cgroup.procs' },
    ]);
    const nested = '30 23 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw';
    expect(cgroupsToJoin('0::/kubepods/pod1/app', cgroupMounts(nested), 'f')).toEqual([
      { controllers: 'unified', procsFile: '/sys/fs/cgroup/app/cgroup.procs' },
    ]);
  });

  it('refuses a process in nothing but root cgroups (nothing of its own to share), naming the field', () => {
    expect(() => cgroupsToJoin('4:memory:/\n1:cpu:/\n0::/', cgroupMounts(HYBRID), 'phases[0].faults[0]')).toThrow(
      /phases\[0\]\.faults\[0\]: the process is in no cgroup of its own \(only the root ones\).*drop cgroup: true/,
    );
    expect(() => cgroupsToJoin('4:memory:/app', cgroupMounts(UNIFIED), 'f')).toThrow(/or none mounted here/);
  });

  it('runs the command through a shell that moves itself in first, the paths as arguments (never in the script)', () => {
    const argv = inCgroups(
      [{ controllers: 'cpu', procsFile: '/sys/fs/cgroup/cpu/a b;rm -rf ~/cgroup.procs' }],
      ['stress-ng', '--cpu', '1'],
    );
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).not.toContain('/sys/fs/cgroup');
    expect(argv.slice(3)).toEqual([
      'ordeal-cgroup-join',
      '/sys/fs/cgroup/cpu/a b;rm -rf ~/cgroup.procs',
      '--',
      'stress-ng',
      '--cpu',
      '1',
    ]);
  });
});
