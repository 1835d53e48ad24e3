import { describe, expect, it } from 'vitest';
import { Toxiproxy } from 'toxiproxy-node-client';
import { findFreePort } from '../../harness/net/free-port.ts';
import { provideProxies } from '../../harness/providers/user-target-provider.ts';
import { sweepStaleFaults } from '../../harness/faults/stale-fault-sweeper.ts';
import { GuardedHttp, type GuardedRequestInit } from '../../harness/net/guarded-http.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

const POLICY = { allowlist: ['127.0.0.1'], allowNonLoopback: false };

/**
 * A Toxiproxy client whose listing is already stale when it arrives: right
 * after reading it, "another run" creates the proxy `name` with `upstream`
 * (what two ordeal runs starting at once against a shared Toxiproxy do).
 */
class RacedToxiproxy extends Toxiproxy {
  constructor(
    url: string,
    private readonly other: { name: string; listen: string; upstream: string },
  ) {
    super(url);
  }

  override async getAll() {
    const stale = await super.getAll();
    const created = await fetch(`${this.host}/proxies`, { method: 'POST', body: JSON.stringify(this.other) });
    expect(created.status).toBe(201);
    return stale;
  }
}

/**
 * A guarded client whose first listing of Toxiproxy's proxies is stale when it
 * arrives: right after reading it, `meanwhile` runs (another run creating and
 * marking its proxy), so the sweep decides who is alive before that run existed.
 */
class StaleFirstListing extends GuardedHttp {
  private listed = false;

  constructor(private readonly meanwhile: () => Promise<void>) {
    super(POLICY);
  }

  override async request(target: string | URL, init: GuardedRequestInit) {
    const response = await super.request(target, init);
    if (!this.listed && init.method === 'GET' && new URL(target).pathname === '/proxies') {
      this.listed = true;
      await this.meanwhile();
    }
    return response;
  }
}

describe('two runs declaring the same proxy start at once', () => {
  it(
    'the run that loses the creation uses the proxy the other created; one with another upstream is still refused',
    { timeout: 30_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const declared = { name: 'shared', listen: `127.0.0.1:${await findFreePort()}`, upstream: target.proxy.upstream };
      const messages: string[] = [];
      await provideProxies(
        new RacedToxiproxy(target.toxiproxy.url, declared),
        [declared],
        POLICY,
        (m) => messages.push(m),
        'race-test',
      );
      expect(messages).toEqual([expect.stringMatching(/^using the existing proxy "shared" \(127\.0\.0\.1:\d+ → /)]);
      expect((await toxiproxyState(target.toxiproxy.url)).filter((p) => p.name === 'shared')).toHaveLength(1);

      // The other run created it towards something else: that is someone else's proxy, refused (exit 3), not taken over.
      const theirs = { name: 'theirs', listen: `127.0.0.1:${await findFreePort()}`, upstream: '127.0.0.1:9' };
      const mine = { ...theirs, upstream: target.proxy.upstream };
      await expect(
        provideProxies(new RacedToxiproxy(target.toxiproxy.url, theirs), [mine], POLICY, () => undefined, 'race-test'),
      ).rejects.toThrow(
        /toxiproxy\.proxies\[0\]: Toxiproxy already has a proxy "theirs" \(127\.0\.0\.1:\d+ → 127\.0\.0\.1:9\)/,
      );
    },
  );

  it(
    "another run's sweep at the moment a proxy is created and marked as ordeal's leaves it alone (its creator has no lease: no faults)",
    { timeout: 30_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const declared = { name: 'fresh', listen: `127.0.0.1:${await findFreePort()}`, upstream: target.proxy.upstream };
      await provideProxies(new Toxiproxy(target.toxiproxy.url), [declared], POLICY, () => undefined, 'creator');
      // Before the creator holds its proxies with its own timer: a second run starts and sweeps.
      const swept = await sweepStaleFaults(new GuardedHttp(POLICY), target.toxiproxy.url, { exceptRunId: 'second' });
      expect(swept.deletedProxies).toEqual([]);
      expect((await toxiproxyState(target.toxiproxy.url)).map((p) => p.name)).toContain('fresh');
    },
  );

  it(
    'a sweep that listed the proxies just before another run created and marked its proxy leaves that proxy and its heartbeat alone',
    { timeout: 30_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const declared = {
        name: 'newborn',
        listen: `127.0.0.1:${await findFreePort()}`,
        upstream: target.proxy.upstream,
      };
      const http = new StaleFirstListing(() =>
        provideProxies(new Toxiproxy(target.toxiproxy.url), [declared], POLICY, () => undefined, 'creator'),
      );
      const swept = await sweepStaleFaults(http, target.toxiproxy.url, { exceptRunId: 'second' });
      expect(swept.deletedProxies).toEqual([]);
      expect(swept.removed).toEqual([]);
      const newborn = (await toxiproxyState(target.toxiproxy.url)).find((p) => p.name === 'newborn');
      expect(newborn?.toxics.map((t) => t.name).sort()).toEqual(['ordeal-creator-heartbeat', 'ordeal-creator-owner']);
    },
  );
});
