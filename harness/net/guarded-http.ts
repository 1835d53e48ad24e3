import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Agent } from 'undici';
import { OrdealError } from '../errors/ordeal-error.ts';
import { isLoopbackHost } from './address-allowlist.ts';
import { bareHost, refusalOf, type NetworkPolicy } from './network-policy.ts';
import { redactUrl } from './redact-url.ts';

export interface GuardedRequestInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** Text, or bytes (a remote-write request is snappy-compressed protobuf). */
  body?: string | Uint8Array;
  /** Bounds the whole exchange: connect, headers and body. */
  timeoutMs: number;
  /** A larger body is refused (the read stops there): a hostile endpoint cannot fill memory. */
  maxBodyBytes: number;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
}

export class ResponseTooLargeError extends Error {
  readonly code = 'ORDEAL_RESPONSE_TOO_LARGE';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Every request ordeal sends besides load (health probes, /metrics scrapes,
 * Prometheus' API, Toxiproxy's API, the Pushgateway) goes through here:
 * - only to an address the policy allows: IP literals are checked before the
 *   request, names at the moment of connecting (the resolver's answer is
 *   checked and is what gets dialled, so a name cannot resolve elsewhere later);
 * - redirects are never followed (a 3xx is the answer);
 * - the body is read up to `maxBodyBytes`, the whole exchange bounded by
 *   `timeoutMs`, and every failure is a rejection of the returned promise;
 * - credentials in the URL (`http://user:pass@host`) become a Basic
 *   Authorization header and never appear in what ordeal prints.
 */
export class GuardedHttp {
  /** undici, loaded on the first request (a run that asks nothing of HTTP does not pay its start-up). */
  private client: Promise<{ agent: Agent; request: typeof import('undici').request }> | undefined;
  private readonly trusted = new Set<string>();

  constructor(readonly policy: NetworkPolicy) {}

  private undici(): Promise<{ agent: Agent; request: typeof import('undici').request }> {
    this.client ??= import('undici').then(({ Agent, request }) => ({ agent: this.newAgent(Agent), request }));
    return this.client;
  }

  private newAgent(AgentClass: typeof import('undici').Agent): Agent {
    const policy = this.policy;
    const checkedLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
      dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const refused = addresses.map((a) => refusalOf(hostname, a.address, policy)).find(Boolean);
        if (refused) return callback(Object.assign(new Error(refused), { code: 'ORDEAL_ERR_TARGET_NOT_ALLOWED' }), []);
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
    return new AgentClass({ connect: { lookup: checkedLookup as never }, keepAliveTimeout: 4_000 });
  }

  /**
   * A server ordeal started itself on a loopback address (its Toxiproxy, its
   * Prometheus, the bundled stack) is reachable whatever the scenario's
   * allowlist says; only that exact origin, and only on loopback.
   */
  trustOwnServer(origin: string): void {
    const url = new URL(origin);
    if (isIP(bareHost(url.hostname)) && isLoopbackHost(url.hostname)) this.trusted.add(url.origin);
  }

  async request(target: string | URL, init: GuardedRequestInit): Promise<GuardedResponse> {
    const url = new URL(target);
    if (url.protocol !== 'http:')
      throw new OrdealError(
        'ORDEAL_ERR_TARGET_NOT_ALLOWED',
        `${redactUrl(url.href)}: ordeal speaks plain http:// only`,
      );
    const host = bareHost(url.hostname);
    if (isIP(host) && !this.trusted.has(url.origin)) {
      const refused = refusalOf(url.hostname, host, this.policy);
      if (refused) throw new OrdealError('ORDEAL_ERR_TARGET_NOT_ALLOWED', `${redactUrl(url.href)}: ${refused}`);
    }
    const headers: Record<string, string> = { ...init.headers };
    if (url.username || url.password) {
      headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const signal = AbortSignal.timeout(init.timeoutMs);
    const { agent, request } = await this.undici();
    const response = await request(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      signal,
      dispatcher: agent,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > init.maxBodyBytes)
          throw new ResponseTooLargeError(
            `${redactUrl(url.href)} answered more than ${init.maxBodyBytes} bytes; ordeal stopped reading`,
          );
        chunks.push(chunk as Buffer);
      }
    } finally {
      if (size > init.maxBodyBytes) response.body.destroy();
    }
    const body = Buffer.concat(chunks);
    return { status: response.statusCode, headers: response.headers, body, text: () => body.toString('utf8') };
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).agent.close();
  }
}
