import { Pool, type Dispatcher } from 'undici';
import type { HttpSender, ResponseListener } from './http-sender.ts';
import { ResponseTimeoutError } from './raw-http-connection.ts';
import type { PreparedRequest } from './request-mix.ts';

/**
 * Resolves with the status when the response ends; the body is discarded as it
 * arrives. undici's older handler style (onHeaders/onComplete, deprecated in
 * undici 7, which is pinned) hands over raw headers without parsing them. The
 * whole response is bounded by the request timeout (undici's own timeouts are
 * idle timers, which a server dribbling bytes never trips).
 */
class StatusHandler {
  private status = 0;
  private abort?: (error: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private settled = false;

  constructor(
    private readonly listener: ResponseListener,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      const error = new ResponseTimeoutError(timeoutMs);
      // Still queued in the pool (not connected yet): fail it here; undici's later callbacks are ignored.
      if (this.abort) this.abort(error);
      else this.onError(error);
    }, timeoutMs);
  }

  onConnect(abort: (error: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    if (this.settle()) this.listener.onStatus(this.status);
  }

  onError(error: Error): void {
    if (this.settle()) this.listener.onFailure(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    return true;
  }
}

/**
 * HTTP/1.1 keep-alive connections through undici's Pool, one request per
 * connection at a time: the path for `https:` targets (TLS), where ordeal's
 * plain-socket sender does not go.
 */
export function createUndiciSender(origin: URL, maxConnections: number, timeoutMs: number): HttpSender {
  const pool = new Pool(origin.origin, {
    connections: maxConnections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });
  return {
    send(request: PreparedRequest, listener: ResponseListener) {
      pool.dispatch(
        { path: request.path, method: request.method, headers: request.headers, body: request.body },
        new StatusHandler(listener, timeoutMs) as unknown as Dispatcher.DispatchHandler,
      );
    },
    close: () => pool.destroy(),
  };
}
