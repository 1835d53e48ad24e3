import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { OrdealError } from '../errors/ordeal-error.ts';
import { dockerClient } from './docker-engine.ts';
import type { HeldContainer } from './held-container.ts';

/** How a scenario names a container: its Docker name or id, or a label exactly one container carries. */
export type ContainerSelector = { container: string } | { label: string };

/** A container as a fault names it: its id (never reused, unlike a pid) and, for people, its name and image. */
export interface ContainerIdentity {
  id: string;
  name: string;
  image: string;
}

/** What the engine says of a container now. */
export interface ContainerState {
  status: string;
  running: boolean;
  paused: boolean;
  restartCount: number;
  /** Its main process's pid on the host (0 when not running). */
  pid: number;
  startedAt: string;
}

/** At most this much of /proc/self/cgroup and mountinfo is read, looking for the container ordeal runs in. */
const MAX_SELF_FILE_BYTES = 256 * 1024;

const engineError = (what: string, error: unknown): OrdealError =>
  new OrdealError(
    'ORDEAL_ERR_CONTAINER_FAULT',
    `${what}: the Docker engine said ${(error as { statusCode?: number }).statusCode ?? ''} ${(error as Error).message}`.replace(
      /\s+/g,
      ' ',
    ),
    { cause: error },
  );

/** The ids of the container(s) ordeal itself runs in, from its own cgroup and mounts (none on a bare host). */
async function ownContainerIds(): Promise<Set<string>> {
  const texts = await Promise.all(
    ['/proc/self/cgroup', '/proc/self/mountinfo'].map((file) =>
      readFile(file, 'utf8')
        .then((text) => text.slice(0, MAX_SELF_FILE_BYTES))
        .catch(() => ''),
    ),
  );
  return new Set(texts.join('\n').match(/\b[0-9a-f]{64}\b/g) ?? []);
}

/** The one container `selector` names, checked against the rules: exit 2 with the fix when it names none or many. */
export async function resolveContainer(
  docker: Dockerode,
  selector: ContainerSelector,
  field: string,
): Promise<ContainerIdentity> {
  let found: Dockerode.ContainerInfo[];
  try {
    found =
      'label' in selector
        ? await docker.listContainers({ all: true, filters: { label: [selector.label] } })
        : await docker
            .listContainers({ all: true })
            .then((all) =>
              all.filter(
                (c) => c.Id.startsWith(selector.container) || c.Names.some((n) => n === `/${selector.container}`),
              ),
            );
  } catch (error) {
    throw engineError(`${field}: listing containers failed`, error);
  }
  const shown = 'label' in selector ? `label ${selector.label}` : `"${selector.container}"`;
  if (found.length === 0)
    throw new OrdealError('ORDEAL_ERR_SCENARIO', `${field}: no container matches ${shown} (docker ps -a shows them)`);
  if (found.length > 1)
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: ${found.length} containers match ${shown} (${found.map((c) => c.Names[0]?.slice(1) ?? c.Id.slice(0, 12)).join(', ')}); name exactly one`,
    );
  const info = found[0]!;
  if ((await ownContainerIds()).has(info.Id))
    throw new OrdealError('ORDEAL_ERR_SCENARIO', `${field}: ${shown} is the container ordeal runs in: never a target`);
  return { id: info.Id, name: info.Names[0]?.slice(1) ?? info.Id.slice(0, 12), image: info.Image };
}

/** What the engine says of container `id` now; undefined once it is gone. */
export async function containerStateOf(docker: Dockerode, id: string): Promise<ContainerState | undefined> {
  try {
    const { State, RestartCount } = await docker.getContainer(id).inspect();
    return {
      status: State.Status,
      running: State.Running,
      paused: State.Paused,
      restartCount: RestartCount,
      pid: State.Pid,
      startedAt: State.StartedAt,
    };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw engineError(`inspecting container ${id.slice(0, 12)} failed`, error);
  }
}

/** One change to a container; 304 (already so) is not an error. */
export async function changeContainer(
  docker: Dockerode,
  id: string,
  change: 'pause' | 'unpause' | 'stop' | 'start' | 'restart' | { kill: string },
  stopTimeoutSec = 10,
): Promise<void> {
  const container = docker.getContainer(id);
  try {
    if (change === 'pause') await container.pause();
    else if (change === 'unpause') await container.unpause();
    else if (change === 'stop') await container.stop({ t: stopTimeoutSec });
    else if (change === 'start') await container.start();
    else if (change === 'restart') await container.restart({ t: stopTimeoutSec });
    else await container.kill({ signal: change.kill });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 304) return;
    const name = typeof change === 'string' ? change : `kill (${change.kill})`;
    throw engineError(`docker ${name} of ${id.slice(0, 12)} failed`, error);
  }
}

/** Runs `held`'s undo if it is still needed; says what was done, in words. Never throws. */
export async function undoHeldContainer(held: HeldContainer): Promise<string> {
  const shown = `container ${held.name} (${held.id.slice(0, 12)})`;
  try {
    const docker = await dockerClient(held.docker);
    const state = await containerStateOf(docker, held.id);
    if (!state) return `${shown}: gone: nothing to undo`;
    if (held.undo === 'unpause') {
      if (!state.paused) return `${shown}: not paused (unpaused by something else)`;
      await changeContainer(docker, held.id, 'unpause');
      return `${shown}: unpaused`;
    }
    if (state.running) return `${shown}: running already (started by something else)`;
    await changeContainer(docker, held.id, 'start');
    return `${shown}: started`;
  } catch (error) {
    return `${shown}: could not ${held.undo} it: ${(error as Error).message}`;
  }
}
