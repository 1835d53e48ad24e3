import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { findFreePort } from '../../harness/net/free-port.ts';
import { TOXIPROXY_IMAGE } from '../../harness/toxiproxy/toxiproxy-container.ts';
import { containerStateOf } from '../../harness/containers/container-control.ts';
import { dockerClient, dockerEndpoint } from '../../harness/containers/docker-engine.ts';

const docker = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)('docker', args, { timeout: 60_000 })).stdout.trim();

export interface ServiceContainer extends AsyncDisposable {
  /** Its Docker name and id. */
  name: string;
  id: string;
  /** Where it answers HTTP (GET /version), on the host network. */
  url: string;
  /** What the engine says of it: "running", "paused", "exited"…, and how often its restart policy restarted it. */
  state(): Promise<{ status: string; restartCount: number }>;
}

/**
 * A real container to fault: the locally built Toxiproxy image (no registry is reachable here), its HTTP API on
 * 127.0.0.1 on the host network standing in for a service. Removed (`docker rm -f`) when disposed.
 */
export async function startServiceContainer(
  options: { restart?: 'always' | 'no'; labels?: Record<string, string> } = {},
): Promise<ServiceContainer> {
  const port = await findFreePort();
  const name = `ordeal-test-${randomUUID().slice(0, 8)}`;
  const labels = Object.entries(options.labels ?? {}).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  const id = await docker(
    ...['run', '-d', '--network', 'host', '--name', name, '--restart', options.restart ?? 'no', ...labels],
    ...[TOXIPROXY_IMAGE, '-host', '127.0.0.1', '-port', String(port)],
  );
  const url = `http://127.0.0.1:${port}`;
  const engine = dockerClient(dockerEndpoint());
  const deadlineMs = Date.now() + 20_000;
  while (
    !(await fetch(`${url}/version`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadlineMs) throw new Error(`container ${name} did not answer at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name,
    id,
    url,
    // Asked of the engine in-process (tests poll it every few ms: a docker CLI each time cost a CPU-tenth).
    state: async () => {
      const state = await containerStateOf(await engine, id);
      return { status: state?.status ?? 'gone', restartCount: state?.restartCount ?? 0 };
    },
    [Symbol.asyncDispose]: async () => void (await docker('rm', '-f', id).catch(() => '')),
  };
}
