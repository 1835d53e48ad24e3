import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findFreePort } from '../../harness/net/free-port.ts';
import { stopChild } from '../../harness/process/stop-child.ts';

export const PUSHGATEWAY_BINARY = '/usr/bin/prometheus-pushgateway';

export function pushgatewayMissing(): string | undefined {
  return existsSync(PUSHGATEWAY_BINARY)
    ? undefined
    : `no ${PUSHGATEWAY_BINARY} (npm test installs Debian's prometheus-pushgateway as root)`;
}

/** A real Pushgateway on 127.0.0.1, without persistence. */
export async function startPushgateway(): Promise<{ url: string } & AsyncDisposable> {
  const port = await findFreePort();
  const child = spawn(PUSHGATEWAY_BINARY, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadlineMs = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadlineMs) {
      await stopChild(child);
      throw new Error(`prometheus-pushgateway did not answer on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, [Symbol.asyncDispose]: () => stopChild(child) };
}
