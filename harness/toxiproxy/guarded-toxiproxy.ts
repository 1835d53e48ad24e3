import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import type { GuardedHttp } from '../net/guarded-http.ts';

/** Toxiproxy's answers are small JSON documents. */
const MAX_TOXIPROXY_BODY_BYTES = 4 * 1024 * 1024;

/** Toxiproxy answers errors as `{"error": "...", "status": 500}`; the text is what a user needs to read. */
function toxiproxySays(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: show it as it is
  }
  return body.trim().slice(0, 300);
}

/**
 * The transport toxiproxy-node-client's models (Proxy, Toxic) call, carried by
 * ordeal's guarded client: the library's own uses the global fetch, which
 * follows redirects, cannot take credentials in the URL, and reads any body.
 */
class GuardedToxiproxyApi {
  constructor(
    private readonly http: GuardedHttp,
    private readonly credentials: string,
    private readonly timeoutMs: number,
  ) {}

  private async send(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<string> {
    let response;
    const target = this.credentials ? url.replace('://', `://${this.credentials}@`) : url;
    try {
      response = await this.http.request(target, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
        maxBodyBytes: MAX_TOXIPROXY_BODY_BYTES,
      });
    } catch (cause) {
      throw new ToxiproxyError((cause as Error).name, (cause as Error).message, (cause as Error).stack);
    }
    // The wording of the library's own error, which callers match ("status code 404").
    // The library's wording ("status code 404", which callers match), then Toxiproxy's own ("address already in use").
    if (response.status < 200 || response.status >= 300) {
      const said = toxiproxySays(response.text());
      throw new ToxiproxyError('Error', `Request failed with status code ${response.status}${said ? `: ${said}` : ''}`);
    }
    return response.text();
  }

  private async json<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ data: T }> {
    const text = await this.send(method, url, body);
    return { data: (text.length > 0 ? JSON.parse(text) : undefined) as T };
  }

  get<T>(url: string): Promise<{ data: T }> {
    return this.json<T>('GET', url);
  }

  post<T>(url: string, body?: unknown): Promise<{ data: T }> {
    return this.json<T>('POST', url, body);
  }

  async delete(url: string): Promise<void> {
    await this.send('DELETE', url);
  }

  getText(url: string): Promise<string> {
    return this.send('GET', url);
  }
}

/**
 * A toxiproxy-node-client `Toxiproxy` whose every request goes through
 * ordeal's guarded client. `url` may carry credentials
 * (`http://user:pass@127.0.0.1:8474`, for a Toxiproxy behind an
 * authenticating proxy); `host` never shows them.
 */
export function guardedToxiproxy(url: string, http: GuardedHttp, timeoutMs = 5_000): Toxiproxy {
  const parsed = new URL(url);
  const credentials = parsed.username || parsed.password ? `${parsed.username}:${parsed.password}` : '';
  parsed.username = '';
  parsed.password = '';
  const client = new Toxiproxy(parsed.href.replace(/\/$/, ''));
  client.api = new GuardedToxiproxyApi(http, credentials, timeoutMs) as unknown as Toxiproxy['api'];
  return client;
}
