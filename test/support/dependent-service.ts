import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * A service of `workers` workers, each request taking `ownMs` of its own and then a call to a dependency at
 * `dependencyUrl` (through a proxy a test can slow down), the worker busy throughout: its capacity is
 * workers ÷ (ownMs + the call's time), so a dependency slower by L ms lowers it to workers ÷ (ownMs + call + L).
 */
export async function startDependentService(
  workers: number,
  ownMs: number,
  dependencyUrl: () => string,
): Promise<TestServer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const queue: http.ServerResponse[] = [];
  let busy = 0;
  const serve = async (response: http.ServerResponse): Promise<void> => {
    await sleep(ownMs);
    await new Promise<void>((resolve) => {
      const call = http.get(dependencyUrl(), { agent }, (answer) => {
        answer.resume();
        answer.on('end', resolve);
      });
      call.on('error', () => ((response.statusCode = 502), resolve()));
    });
    response.end('ok');
  };
  const pump = (): void => {
    while (busy < workers && queue.length > 0) {
      busy++;
      void serve(queue.shift()!).finally(() => (busy--, pump()));
    }
  };
  const service = await startTestServer((_request, response) => (queue.push(response), pump()));
  const close = service.close;
  return {
    ...service,
    close: () => (agent.destroy(), close()),
    [Symbol.asyncDispose]: () => (agent.destroy(), close()),
  };
}
