import { describe, expect, it } from 'vitest';
import { dockerEndpoint } from '../../harness/containers/docker-engine.ts';
import { describeFault, faultTargetOf } from '../../harness/scenario/fault-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

const base = {
  name: 'containers',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  requests: [{ path: '/' }],
  phases: [{ name: 'p', duration: '2s', rate: 5, faults: [{ kind: 'container_pause', container: 'ledger' }] }],
};

const errorOf = (scenario: object): string => {
  try {
    validateScenario(scenario);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('validated');
};

describe('faults on containers and starvation: what a scenario may say (issue 31)', () => {
  it('a declared container, by name or by label, with each kind and its defaults', () => {
    const scenario = validateScenario({
      ...base,
      containers: [{ name: 'ledger', label: 'app=ledger' }],
      phases: [
        {
          ...base.phases[0],
          faults: [
            { kind: 'container_pause', container: 'ledger' },
            { kind: 'container_stop', container: 'ledger' },
            { kind: 'container_kill', container: 'ledger' },
            { kind: 'container_restart', container: 'ledger', stopTimeoutSec: 2 },
          ],
        },
      ],
    });
    expect(scenario.phases[0]!.faults.map(describeFault)).toEqual([
      'container ledger: pause (docker pause until the phase ends)',
      'container ledger: stop (started again when the phase ends)',
      'container ledger: kill (SIGKILL)',
      'container ledger: restart',
    ]);
    expect(scenario.phases[0]!.faults[1]).toMatchObject({ stopTimeoutSec: 10 });
  });

  it('refuses an undeclared container, one named two ways or none, a name declared twice, a label that is not one', () => {
    expect(errorOf(base)).toMatch(/"ledger" is not declared in containers \(declared: none\)/);
    expect(errorOf({ ...base, containers: [{ name: 'ledger', container: 'a', label: 'b=c' }] })).toMatch(
      /containers\[0\].*needs exactly one of container .* or label/s,
    );
    expect(errorOf({ ...base, containers: [{ name: 'ledger' }] })).toMatch(/needs exactly one of container/);
    expect(
      errorOf({
        ...base,
        containers: [
          { name: 'ledger', container: 'a' },
          { name: 'ledger', container: 'b' },
        ],
      }),
    ).toMatch(/containers\[1\]\.name.*is declared twice/s);
    expect(errorOf({ ...base, containers: [{ name: 'ledger', label: 'has space' }] })).toMatch(
      /containers\[0\]\.label.*is not a label filter/s,
    );
    expect(
      errorOf({
        ...base,
        containers: [{ name: 'ledger', container: 'a' }],
        phases: [{ ...base.phases[0], faults: [{ kind: 'container_kill', container: 'ledger', signal: 'SIGSTOP' }] }],
      }),
    ).toMatch(/signal/);
  });

  it('starvation: cpu_stress beside a declared process or on the host, memory_stress bounded, with their defaults', () => {
    const scenario = validateScenario({
      ...base,
      processes: [{ name: 'ledger', pidFile: '/run/ledger.pid' }],
      phases: [
        {
          ...base.phases[0],
          faults: [
            { kind: 'cpu_stress', process: 'ledger' },
            { kind: 'cpu_stress', workers: 4, loadPercent: 50 },
            { kind: 'memory_stress', sizeMb: 256 },
          ],
        },
      ],
    });
    expect(scenario.phases[0]!.faults.map(describeFault)).toEqual([
      'CPUs of ledger: cpu_stress 1× at 100%',
      'host CPUs: cpu_stress 4× at 50%',
      'host: memory_stress 256 MB',
    ]);
    expect(scenario.phases[0]!.faults.map(faultTargetOf)).toEqual(['ledger', 'host', 'host']);
    expect(
      errorOf({ ...base, phases: [{ ...base.phases[0], faults: [{ kind: 'cpu_stress', process: 'x' }] }] }),
    ).toMatch(/"x" is not declared in processes/);
    expect(
      errorOf({ ...base, phases: [{ ...base.phases[0], faults: [{ kind: 'memory_stress', sizeMb: 0 }] }] }),
    ).toMatch(/sizeMb/);
    expect(
      errorOf({ ...base, phases: [{ ...base.phases[0], faults: [{ kind: 'cpu_stress', loadPercent: 101 }] }] }),
    ).toMatch(/loadPercent/);
  });

  it("a kill's restart command: the command without a shell, its delay and its time bound, with defaults", () => {
    const scenario = validateScenario({
      ...base,
      processes: [{ name: 'ledger', pidFile: '/run/ledger.pid' }],
      phases: [
        {
          ...base.phases[0],
          faults: [{ kind: 'kill', process: 'ledger', restart: { command: ['systemctl', 'start', 'ledger'] } }],
        },
      ],
    });
    expect(scenario.phases[0]!.faults[0]).toMatchObject({ restart: { afterMs: 0, timeoutMs: 30_000 } });
    expect(describeFault(scenario.phases[0]!.faults[0]!)).toBe(
      'ledger: kill (SIGKILL), restarted by systemctl after 0ms',
    );
    const withRestart = (restart: object) =>
      errorOf({
        ...base,
        processes: [{ name: 'ledger', pidFile: '/run/ledger.pid' }],
        phases: [{ ...base.phases[0], faults: [{ kind: 'kill', process: 'ledger', restart }] }],
      });
    expect(withRestart({ command: [] })).toMatch(/restart\.command/);
    expect(withRestart({ command: 'systemctl start ledger' })).toMatch(/restart\.command/);
    expect(withRestart({ command: ['x'], timeoutMs: 50 })).toMatch(/restart\.timeoutMs/);
  });

  it('reaches only an engine on this machine: the socket, or TCP on loopback; any other DOCKER_HOST is refused', () => {
    expect(dockerEndpoint(undefined)).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerEndpoint('unix:///run/user/1000/docker.sock')).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(dockerEndpoint('tcp://127.0.0.1:2375')).toEqual({ host: '127.0.0.1', port: 2375 });
    expect(dockerEndpoint('tcp://[::1]:2375')).toEqual({ host: '::1', port: 2375 });
    for (const host of ['tcp://10.0.0.5:2375', 'tcp://docker.example.com:2376', 'ssh://me@host', 'npipe:////./pipe/x'])
      expect(() => dockerEndpoint(host), host).toThrow(/container faults reach only an engine on this machine/);
  });
});

describe('clock_skew: what a scenario may say', () => {
  const skewing = (fault: object, extra: object = {}) => ({
    ...base,
    stack: { kind: 'bundled' },
    target: {},
    phases: [
      { name: 'p', duration: '2s', rate: 5, faults: [{ kind: 'clock_skew', process: 'market-data', ...fault }] },
    ],
    ...extra,
  });

  it("a bundled service's clock, ahead or behind, said in words", () => {
    const scenario = validateScenario(skewing({ offsetSec: -30 }));
    expect(scenario.phases[0]!.faults.map(describeFault)).toEqual(['market-data: clock_skew −30 s (wall clock)']);
    expect(faultTargetOf(scenario.phases[0]!.faults[0]!)).toBe('market-data');
    expect(describeFault(validateScenario(skewing({ offsetSec: 3600 })).phases[0]!.faults[0]!)).toMatch(/\+3600 s/);
  });

  it('refuses no skew, more than ten years, and a process ordeal does not start', () => {
    expect(errorOf(skewing({ offsetSec: 0 }))).toMatch(/offsetSec: .*is 0: no skew/);
    expect(errorOf(skewing({ offsetSec: 400_000_000 }))).toMatch(/offsetSec/);
    expect(
      errorOf(skewing({ offsetSec: 5 }, { processes: [{ name: 'market-data', pidFile: '/run/md.pid' }] })),
    ).toMatch(/process: "market-data" is not a process ordeal starts/);
    const own = { ...skewing({ offsetSec: 5 }), stack: undefined, target: { baseUrl: 'http://127.0.0.1:8080' } };
    expect(errorOf(own)).toMatch(/is not a process ordeal starts/);
  });
});

describe("stressors in a process's cgroups: what a scenario may say", () => {
  const stressing = (fault: object) => ({
    ...base,
    processes: [{ name: 'ledger', pidFile: '/run/ledger.pid' }],
    phases: [{ name: 'p', duration: '2s', rate: 5, faults: [fault] }],
  });

  it('cgroup: true with the process whose cgroups it joins, said in words', () => {
    const scenario = validateScenario(
      stressing({ kind: 'memory_stress', process: 'ledger', sizeMb: 64, cgroup: true }),
    );
    expect(describeFault(scenario.phases[0]!.faults[0]!)).toBe('cgroups of ledger: memory_stress 64 MB');
    const cpu = validateScenario(stressing({ kind: 'cpu_stress', process: 'ledger', cgroup: true }));
    expect(describeFault(cpu.phases[0]!.faults[0]!)).toBe('cgroups of ledger: cpu_stress 1× at 100%');
  });

  it('refuses cgroup: true without a process, and a memory_stress naming a process without it', () => {
    expect(errorOf(stressing({ kind: 'cpu_stress', cgroup: true }))).toMatch(
      /faults\[0\]\.process: .*is required by cgroup: true/,
    );
    expect(errorOf(stressing({ kind: 'memory_stress', process: 'ledger', sizeMb: 64 }))).toMatch(
      /faults\[0\]\.cgroup: .*a memory_stress names a process only to join its cgroups/,
    );
  });
});
