import { describe, expect, it } from 'vitest';
import { sweepBeforeRun } from '../../harness/faults/stale-fault-sweeper.ts';
import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';

const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });

describe('a Toxiproxy starved for a moment (a busy host) is not taken for one that is gone', () => {
  it(
    'the check before a run waits out a 2 s freeze of toxiproxy-server (SIGSTOP), and still refuses one that never answers',
    { timeout: 30_000 },
    async () => {
      const toxiproxy = await new ToxiproxyServer().start();
      try {
        process.kill(toxiproxy.pid!, 'SIGSTOP');
        const thawed = new Promise<void>((resolve) =>
          setTimeout(() => (process.kill(toxiproxy.pid!, 'SIGCONT'), resolve()), 2_000),
        );
        await expect(sweepBeforeRun(http, toxiproxy.url, 'starved', () => undefined)).resolves.toBeUndefined();
        await thawed;
      } finally {
        process.kill(toxiproxy.pid!, 'SIGCONT');
        await toxiproxy.stop();
      }
      await expect(sweepBeforeRun(http, 'http://127.0.0.1:9', 'gone', () => undefined)).rejects.toThrow(
        /Toxiproxy at http:\/\/127\.0\.0\.1:9 does not answer/,
      );
    },
  );
});
