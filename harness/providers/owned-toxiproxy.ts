import { startToxiproxy } from '../toxiproxy/start-toxiproxy.ts';
import type { ProviderContext } from './provided-target.ts';

/** A Toxiproxy the run starts itself (binary or container), handed to the resource owner the moment it exists. Returns its URL. */
export async function startOwnedToxiproxy(context: ProviderContext): Promise<string> {
  const provider = context.overrides.toxiproxyProvider ?? 'auto';
  context.onMessage(
    provider === 'container'
      ? 'starting Toxiproxy in a container (testcontainers, host network)'
      : 'starting Toxiproxy on 127.0.0.1',
  );
  const started = await startToxiproxy(provider, (pid) => context.owner.ownProcess(pid));
  context.cleanup.push('Toxiproxy', () => started.stop());
  if (started.containerId) context.owner.ownContainer(started.containerId);
  context.http.trustOwnServer(started.url);
  context.onMessage(`Toxiproxy at ${started.url}: ${started.description}`);
  return started.url;
}
