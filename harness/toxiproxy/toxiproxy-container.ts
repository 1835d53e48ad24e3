import { randomBytes } from 'node:crypto';
import { Toxiproxy } from 'toxiproxy-node-client';
import { waitUntil } from '../clock/wait-until.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { findFreePort } from '../net/free-port.ts';
import { TOXIPROXY_VERSION } from './toxiproxy-binary.ts';

/** The official image, as Shopify publishes it. */
export const TOXIPROXY_IMAGE = `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`;
const LABEL = 'dev.ordeal.toxiproxy';

/**
 * testcontainers reads two settings from the environment when it first makes
 * its client and its reaper (then keeps them): ordeal sets them only while it
 * does that, and puts the environment back — a library leaves process.env as
 * it found it. Ryuk off: ordeal removes its own container (and its watchdog
 * does if ordeal dies), no sidecar image to pull. Host override: host
 * networking only, the host is loopback (without it testcontainers looks for
 * the "bridge" network's gateway, which a dockerd with --bridge=none lacks).
 */
async function withOurSettings<T>(work: () => Promise<T>): Promise<T> {
  const settings = { TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' };
  const previous = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(settings)) process.env[name] ??= value;
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function testcontainers(): Promise<typeof import('testcontainers')> {
  try {
    return await import('testcontainers');
  } catch (cause) {
    // An optional peer dependency (not installed with ordeal): without it, the container provider is not there.
    throw new OrdealError(
      'ORDEAL_ERR_TOXIPROXY',
      'the container provider needs the testcontainers package (npm install testcontainers), or build toxiproxy-server with Go (scripts/setup.sh)',
      { cause },
    );
  }
}

/** True when a Docker engine answers (the socket testcontainers finds: DOCKER_HOST, ~/.testcontainers.properties, /var/run/docker.sock). */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await testcontainers();
    await withOurSettings(() => getContainerRuntimeClient());
    return true;
  } catch {
    return false;
  }
}

/** A Toxiproxy in a container on the host network, so its API and proxies listen on 127.0.0.1 like a local server. */
export class StartedToxiproxyContainer implements AsyncDisposable {
  readonly client: Toxiproxy;

  constructor(
    readonly url: string,
    readonly containerId: string,
    private readonly stopContainer: () => Promise<void>,
  ) {
    this.client = new Toxiproxy(url);
  }

  private stopped?: Promise<void>;

  /** Stops and removes the container; idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.stopContainer();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export class ToxiproxyContainer {
  private startTimeoutMs = 30_000;

  constructor(private readonly image = TOXIPROXY_IMAGE) {}

  withStartTimeout(timeoutMs: number): this {
    this.startTimeoutMs = timeoutMs;
    return this;
  }

  /**
   * Starts the container with host networking (no exposed ports: in host mode
   * there is nothing to map, and declaring them made testcontainers wait for
   * bindings that never come). If the start fails half-way, the container is
   * found by its label and removed before the error is rethrown.
   */
  async start(): Promise<StartedToxiproxyContainer> {
    const { GenericContainer, getContainerRuntimeClient } = await testcontainers();
    const port = await findFreePort();
    const id = randomBytes(6).toString('hex');
    let started: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>> | undefined;
    try {
      started = await withOurSettings(() =>
        new GenericContainer(this.image)
          .withNetworkMode('host')
          .withCommand([`-host=127.0.0.1`, `-port=${port}`])
          .withLabels({ [LABEL]: id })
          .withStartupTimeout(this.startTimeoutMs)
          .start(),
      );
      const url = `http://127.0.0.1:${port}`;
      await waitUntilAnswering(url, this.startTimeoutMs);
      const container = started;
      return new StartedToxiproxyContainer(url, container.getId(), async () => {
        await container.stop({ timeout: 2_000, remove: true });
      });
    } catch (cause) {
      await started?.stop({ timeout: 0, remove: true }).catch(() => undefined);
      await removeLabelled(getContainerRuntimeClient, id);
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `Toxiproxy container (${this.image}) did not start: ${(cause as Error).message} (is the image available? docker pull ${this.image})`,
        { cause },
      );
    }
  }
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  await waitUntil(async () => (await fetch(`${url}/version`, { signal: AbortSignal.timeout(1_000) })).ok, {
    timeoutMs,
    intervalMs: 100,
    what: `an answer on ${url}`,
  });
}

async function removeLabelled(
  getClient: typeof import('testcontainers').getContainerRuntimeClient,
  id: string,
): Promise<void> {
  try {
    const client = await getClient();
    const containers = await client.container.list();
    for (const info of containers.filter((c) => c.Labels?.[LABEL] === id)) {
      await client.container.remove(client.container.getById(info.Id), { removeVolumes: true }).catch(() => undefined);
    }
  } catch {
    // the engine is gone too: nothing left to remove
  }
}
