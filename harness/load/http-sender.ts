import { Pool } from 'undici';
import type { ErrorKind } from '../metrics/error-kind.ts';
import type { PreparedRequest } from './request-mix.ts';

export interface HttpSender {
  /** Resolves with the status once the whole response has arrived; rejects on timeouts and connection errors. */
  send(request: PreparedRequest): Promise<number>;
  close(): Promise<void>;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

export function errorKindOfSendFailure(error: unknown): ErrorKind {
  return TIMEOUT_CODES.has((error as { code?: string }).code ?? '') ? 'timeout' : 'connection';
}

/** HTTP/1.1 keep-alive connections through undici's Pool, one request per connection at a time. */
export function createHttpSender(origin: string, maxConnections: number, timeoutMs: number): HttpSender {
  const pool = new Pool(origin, {
    connections: maxConnections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });
  return {
    async send(request) {
      const response = await pool.request({ path: request.path, method: request.method, headers: request.headers, body: request.body });
      await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
      return response.statusCode;
    },
    close: () => pool.destroy(),
  };
}
