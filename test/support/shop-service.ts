import { startTestServer } from './test-server.ts';

/**
 * A small service with a real login flow, on loopback: POST /login with an
 * account's user and password returns a token; POST /orders needs
 * "Authorization: Bearer <token>" and the API key, and returns an order id;
 * GET /orders/<id> (same credentials) returns its status. It records what it
 * saw, so tests check what ordeal really sent.
 */
export interface ShopService {
  url: string;
  /** Logins per user (successful ones). */
  logins: Map<string, number>;
  ordersWithValidToken: number;
  ordersRejected: number;
  statusPolls: number;
  /** Requests whose API key was missing or wrong. */
  badApiKey: number;
  requests: number;
  /** Every header value the service received, for secret checks. */
  headerValues: Set<string>;
  stop(): Promise<void>;
}

export async function startShopService(options: {
  accounts: Record<string, string>;
  apiKey: string;
  orderBody?: (id: string) => unknown;
}): Promise<ShopService> {
  const tokens = new Map<string, string>();
  const orders = new Set<string>();
  let next = 1;
  const state = {
    logins: new Map<string, number>(),
    ordersWithValidToken: 0,
    ordersRejected: 0,
    statusPolls: 0,
    badApiKey: 0,
    requests: 0,
    headerValues: new Set<string>(),
  };
  const server = await startTestServer((req, res) => {
    state.requests += 1;
    for (const value of Object.values(req.headers)) if (typeof value === 'string') state.headerValues.add(value);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const authorized = token !== undefined && tokens.has(token);
      if (req.method === 'POST' && req.url === '/login') {
        let credentials: { user?: string; password?: string } = {};
        try {
          credentials = JSON.parse(body) as typeof credentials;
        } catch {
          return send(400, { error: 'not json' });
        }
        if (!credentials.user || options.accounts[credentials.user] !== credentials.password)
          return send(401, { error: 'bad credentials' });
        const issued = `tok-${credentials.user}-${next++}`;
        tokens.set(issued, credentials.user);
        state.logins.set(credentials.user, (state.logins.get(credentials.user) ?? 0) + 1);
        return send(200, { token: issued, user: credentials.user });
      }
      if (req.headers['x-api-key'] !== options.apiKey) {
        state.badApiKey += 1;
        return send(403, { error: 'bad api key' });
      }
      if (req.method === 'POST' && req.url === '/orders') {
        if (!authorized) {
          state.ordersRejected += 1;
          return send(401, { error: 'no valid token' });
        }
        state.ordersWithValidToken += 1;
        const id = `ord-${next++}`;
        orders.add(id);
        return send(201, options.orderBody ? options.orderBody(id) : { order: { id } });
      }
      const poll = /^\/orders\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && poll) {
        if (!authorized) return send(401, { error: 'no valid token' });
        state.statusPolls += 1;
        return orders.has(decodeURIComponent(poll[1]!))
          ? send(200, { status: 'accepted' })
          : send(404, { error: 'no such order' });
      }
      send(404, { error: 'not found' });
    });
  });
  server.server.keepAliveTimeout = 30_000;
  return Object.assign(state, { url: server.url, stop: server.close, [Symbol.asyncDispose]: server.close });
}
