import { OrdealError } from '../errors/ordeal-error.ts';
import { ORDEAL_VERSION } from '../report/version.ts';
import type { HttpSender, ResponseListener } from './http-sender.ts';
import { DEFAULT_MAX_CAPTURE_BYTES } from './http-sender.ts';
import { epochNowMs } from './precise-time.ts';
import { RawHttpConnection, ResponseTimeoutError, type ConnectionOwner } from './raw-http-connection.ts';
import type { PreparedRequest } from '../flows/request-mix.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const UNSAFE_HEADER_TEXT = /[\r\n\0]/;

/** The request as bytes on the wire, built once per prepared request. */
export function serializeRequest(request: PreparedRequest, hostHeader: string): Buffer {
  const headers = Object.entries(request.headers);
  for (const [name, value] of [['path', request.path], ...headers]) {
    if (UNSAFE_HEADER_TEXT.test(name!) || UNSAFE_HEADER_TEXT.test(value!)) {
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `request ${request.method} ${JSON.stringify(request.path)}: ${JSON.stringify(name)} contains a line break or NUL, which would split the request`,
      );
    }
  }
  const has = (name: string): boolean => headers.some(([key]) => key.toLowerCase() === name);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  if (!has('host')) head += `host: ${hostHeader}\r\n`;
  if (!has('user-agent')) head += `user-agent: ordeal/${ORDEAL_VERSION}\r\n`;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // The framing is ordeal's: one request per message, its length from the body below.
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    head += `${name}: ${value}\r\n`;
  }
  if (body || BODY_METHODS.has(request.method)) head += `content-length: ${body?.length ?? 0}\r\n`;
  head += '\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

interface Waiting {
  request: PreparedRequest;
  listener: ResponseListener;
  sentEpochMs: number;
  retried: boolean;
}

/**
 * HTTP/1.1 over plain sockets for `http:` targets: requests serialised once,
 * responses parsed by http-parser-js (autocannon's parser), keep-alive
 * connections reused most-recently-used first (idle extras age out on the
 * server), at most `maxConnections` at a time. Measured against undici's Pool
 * in bench/throughput.ts: this path is what lets one worker match autocannon.
 */
export class RawHttpSender implements HttpSender, ConnectionOwner {
  private readonly idle: RawHttpConnection[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly wires = new Map<PreparedRequest, Buffer>();
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private open = 0;
  private closed = false;
  private readonly all = new Set<RawHttpConnection>();

  constructor(
    origin: URL,
    private maxConnections: number,
    readonly timeoutMs: number,
    connectAddress?: string,
    /** A body read for captures is kept up to this many bytes; beyond it, drained and dropped. */
    readonly maxCaptureBytes = DEFAULT_MAX_CAPTURE_BYTES,
  ) {
    this.host = connectAddress ?? origin.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(origin.port || 80);
    this.hostHeader = origin.host;
  }

  get openConnections(): number {
    return this.open;
  }

  /** Raises the connection cap (a closed-model phase with more virtual users). */
  growTo(maxConnections: number): void {
    this.maxConnections = Math.max(this.maxConnections, maxConnections);
  }

  /** Opens connections (no request sent) until `count` are open; resolves when they are connected or failed. */
  async preconnect(count: number): Promise<void> {
    const opened: RawHttpConnection[] = [];
    while (this.open < Math.min(count, this.maxConnections) && !this.closed) {
      const connection = this.connect();
      opened.push(connection);
      this.idle.push(connection);
    }
    await Promise.all(opened.map((c) => c.whenConnected()));
  }

  wireOf(request: PreparedRequest): Buffer {
    if (request.wire) return request.wire;
    if (request.oneOff) return serializeRequest(request, this.hostHeader);
    let wire = this.wires.get(request);
    if (!wire) {
      wire = serializeRequest(request, this.hostHeader);
      this.wires.set(request, wire);
    }
    return wire;
  }

  send(request: PreparedRequest, listener: ResponseListener): void {
    this.dispatch(request, listener, epochNowMs(), false);
  }

  resend(request: PreparedRequest, listener: ResponseListener, sentEpochMs: number): void {
    // A fresh connection: another idle one may be just as stale.
    if (this.closed || this.open >= this.maxConnections) return this.dispatch(request, listener, sentEpochMs, true);
    this.connect().send(request, listener, sentEpochMs, true);
  }

  private dispatch(request: PreparedRequest, listener: ResponseListener, sentEpochMs: number, retried: boolean): void {
    if (this.closed) {
      listener.onFailure(new Error('the sender is closed'));
      return;
    }
    const connection = this.idle.pop() ?? (this.open < this.maxConnections ? this.connect() : undefined);
    if (connection) connection.send(request, listener, sentEpochMs, retried);
    else this.waiting.push({ request, listener, sentEpochMs, retried });
  }

  release(connection: RawHttpConnection): void {
    const next = this.takeWaiting();
    if (next) connection.send(next.request, next.listener, next.sentEpochMs, next.retried);
    else this.idle.push(connection);
  }

  retire(connection: RawHttpConnection): void {
    if (!this.all.delete(connection)) return;
    this.open -= 1;
    const index = this.idle.lastIndexOf(connection);
    if (index !== -1) this.idle.splice(index, 1);
    if (this.closed) return;
    const next = this.takeWaiting();
    if (next) this.connect().send(next.request, next.listener, next.sentEpochMs, next.retried);
  }

  /** The oldest waiting request still within its timeout; those past it fail as timeouts. */
  private takeWaiting(): Waiting | undefined {
    while (this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (epochNowMs() - next.sentEpochMs < this.timeoutMs) return next;
      next.listener.onFailure(new ResponseTimeoutError(this.timeoutMs));
    }
    return undefined;
  }

  private connect(): RawHttpConnection {
    const connection = new RawHttpConnection(this, this.host, this.port);
    this.all.add(connection);
    this.open += 1;
    return connection;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0))
      waiting.listener.onFailure(new Error('the run ended before the request could be sent'));
    for (const connection of [...this.all]) connection.destroy();
  }
}
