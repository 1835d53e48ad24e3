import type { Toxiproxy } from 'toxiproxy-node-client';
import { findToxiproxyServer } from './toxiproxy-binary.ts';
import { dockerAnswers, ToxiproxyContainer } from './toxiproxy-container.ts';
import { ToxiproxyServer } from './toxiproxy-server.ts';

export type ToxiproxyProvider = 'auto' | 'binary' | 'container';

export interface StartedToxiproxy {
  url: string;
  client: Toxiproxy;
  /** What started it, for messages: "toxiproxy-server (pid 123)", "container 1a2b3c". */
  description: string;
  pid?: number;
  containerId?: string;
  stop(): Promise<void>;
}

/**
 * A Toxiproxy for the run. "binary": toxiproxy-server on 127.0.0.1 (built
 * with Go if missing). "container": the official image through testcontainers,
 * host network. "auto": the binary if one is installed, else a container if
 * Docker answers, else the binary built with Go.
 */
export async function startToxiproxy(
  provider: ToxiproxyProvider = 'auto',
  onSpawn?: (pid: number | undefined) => void,
): Promise<StartedToxiproxy> {
  const useContainer =
    provider === 'container' || (provider === 'auto' && !(await findToxiproxyServer()) && (await dockerAnswers()));
  if (useContainer) {
    const container = await new ToxiproxyContainer().start();
    return {
      url: container.url,
      client: container.client,
      description: `container ${container.containerId.slice(0, 12)}`,
      containerId: container.containerId,
      stop: () => container.stop(),
    };
  }
  const server = await new ToxiproxyServer().withOnSpawn((pid) => onSpawn?.(pid)).start();
  return {
    url: server.url,
    client: server.client,
    description: `toxiproxy-server (pid ${server.pid})`,
    pid: server.pid,
    stop: () => server.stop(),
  };
}
