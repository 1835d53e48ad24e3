import type Dockerode from 'dockerode';
import { OrdealError } from '../errors/ordeal-error.ts';
import { isLoopbackHost } from '../net/address-allowlist.ts';

import type { DockerEndpoint } from './held-container.ts';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * The engine DOCKER_HOST names (or the default socket); exit 2 with the fix for one that is not on this machine: any
 * host but loopback is refused, ordeal's traffic stays on this machine, the engine's included.
 */
export function dockerEndpoint(dockerHost = process.env['DOCKER_HOST']): DockerEndpoint {
  if (dockerHost === undefined || dockerHost === '') return { socketPath: DEFAULT_SOCKET };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(dockerHost);
  if (tcp && isLoopbackHost(tcp[1]!.replace(/^\[|\]$/g, '')))
    return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new OrdealError(
    'ORDEAL_ERR_TARGET_NOT_ALLOWED',
    `DOCKER_HOST ${JSON.stringify(dockerHost)}: container faults reach only an engine on this machine: unset it (the socket ${DEFAULT_SOCKET}), or give unix:///path/to/docker.sock or tcp://127.0.0.1:<port>`,
  );
}

export const describeEndpoint = (endpoint: DockerEndpoint): string =>
  'socketPath' in endpoint ? `unix://${endpoint.socketPath}` : `tcp://${endpoint.host}:${endpoint.port}`;

async function dockerode(): Promise<typeof Dockerode> {
  try {
    return (await import('dockerode')).default;
  } catch (cause) {
    // An optional peer dependency (not installed with ordeal): only container faults need it.
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      'container faults need the dockerode package: npm install dockerode (the Docker Engine API client)',
      { cause },
    );
  }
}

/** Requests to the engine give up after this long (a hung engine never hangs a run's undo). */
const ENGINE_TIMEOUT_MS = 30_000;

/** A client of the engine at `endpoint`. */
export async function dockerClient(endpoint: DockerEndpoint): Promise<Dockerode> {
  const Docker = await dockerode();
  return new Docker({ ...endpoint, timeout: ENGINE_TIMEOUT_MS });
}
