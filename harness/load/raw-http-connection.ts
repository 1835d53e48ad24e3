import net from 'node:net';
import { HTTPParser } from 'http-parser-js';
import type { ResponseListener } from './http-sender.ts';
import { epochNowMs } from './precise-time.ts';
import type { PreparedRequest } from '../flows/request-mix.ts';

/** What a connection needs from its pool. */
export interface ConnectionOwner {
  readonly timeoutMs: number;
  /** A body read for captures is kept up to this many bytes. */
  readonly maxCaptureBytes: number;
  wireOf(request: PreparedRequest): Buffer;
  /** The response ended and the connection can take another request. */
  release(connection: RawHttpConnection): void;
  /** The connection is gone (closed, failed, timed out); it takes no more requests. */
  retire(connection: RawHttpConnection): void;
  /** A request on a kept-alive connection the server had already closed: send it again, once. */
  resend(request: PreparedRequest, listener: ResponseListener, sentEpochMs: number): void;
}

export class ResponseTimeoutError extends Error {
  readonly code = 'ORDEAL_RESPONSE_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

export class ConnectionClosedError extends Error {
  readonly code = 'ORDEAL_CONNECTION_CLOSED';
  constructor(cause?: Error) {
    super(
      cause
        ? `connection failed before the response completed: ${cause.message}`
        : 'the server closed the connection before the response completed',
      { cause },
    );
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * One HTTP/1.1 keep-alive connection, one request at a time. The response is
 * parsed by http-parser-js (status line, Content-Length or chunked, or until
 * close) and its body discarded. The request timeout bounds the whole
 * response, from the send to its last byte: a server that dribbles a byte at a
 * time still times out.
 */
export class RawHttpConnection {
  private readonly socket: net.Socket;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private readonly timer: NodeJS.Timeout;
  private listener: ResponseListener | undefined;
  private request: PreparedRequest | undefined;
  private sentEpochMs = 0;
  private deadlineEpochMs = 0;
  private status = 0;
  private keepAlive = true;
  private receivedBytes = 0;
  /** For a request that reads its response (captures): headers and body chunks. */
  private responseHeaders: string[] | undefined;
  private bodyChunks: Buffer[] | undefined;
  /** Bytes kept for captures so far; past owner.maxCaptureBytes the body is drained, not kept. */
  private keptBytes = 0;
  private overCaptureBound = false;
  private completed = 0;
  private retried = false;
  private gone = false;

  constructor(
    private readonly owner: ConnectionOwner,
    host: string,
    port: number,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.parser[HTTPParser.kOnHeadersComplete] = this.onHeadersComplete;
    this.parser[HTTPParser.kOnBody] = this.onBody;
    this.parser[HTTPParser.kOnMessageComplete] = this.onMessageComplete;
    this.timer = setTimeout(this.onTimer, owner.timeoutMs);
  }

  /** Resolves when the connection is established (true) or failed (false): for opening connections ahead of load. */
  whenConnected(): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    if (!this.socket.connecting) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.socket.once('connect', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
  }

  /** `sentEpochMs`: when the request was first sent (a resend keeps its original time and deadline). */
  send(request: PreparedRequest, listener: ResponseListener, sentEpochMs = epochNowMs(), retried = false): void {
    this.request = request;
    this.listener = listener;
    this.sentEpochMs = sentEpochMs;
    this.deadlineEpochMs = sentEpochMs + this.owner.timeoutMs;
    this.status = 0;
    this.receivedBytes = 0;
    this.responseHeaders = undefined;
    this.bodyChunks = request.readResponse ? [] : undefined;
    this.keptBytes = 0;
    this.overCaptureBound = false;
    this.retried = retried;
    this.timer.refresh();
    this.socket.write(this.owner.wireOf(request));
  }

  destroy(): void {
    this.retire();
    this.socket.destroy();
  }

  private readonly onHeadersComplete = (info: {
    statusCode: number;
    shouldKeepAlive: boolean;
    headers: string[];
  }): number => {
    this.status = info.statusCode;
    this.keepAlive = info.shouldKeepAlive;
    if (this.bodyChunks) {
      this.responseHeaders = info.headers;
      this.bodyChunks = [];
    }
    // A response to HEAD has headers only, whatever its Content-Length says.
    return this.request?.method === 'HEAD' ? 1 : 0;
  };

  private readonly onMessageComplete = (): void => {
    // 1xx are interim (e.g. 103 Early Hints): the final response follows.
    if (this.status < 200) return;
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    this.request = undefined;
    this.completed += 1;
    const chunks = this.bodyChunks;
    const body = this.overCaptureBound
      ? undefined
      : chunks && (chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    const read = chunks && listener.onResponse ? { headers: this.responseHeaders ?? [], body } : undefined;
    this.bodyChunks = undefined;
    if (this.keepAlive) this.owner.release(this);
    else this.destroy();
    if (read) listener.onResponse!(this.status, read.headers, read.body);
    else listener.onStatus(this.status);
  };

  private readonly onBody = (chunk: Buffer, offset: number, length: number): void => {
    if (!this.bodyChunks || this.overCaptureBound) return;
    this.keptBytes += length;
    if (this.keptBytes > this.owner.maxCaptureBytes) {
      // Over the bound: what was kept goes, the rest is read and dropped (a 10 GB stream costs no memory).
      this.overCaptureBound = true;
      this.bodyChunks = [];
      return;
    }
    // A view, not a copy: each socket read is a buffer of its own.
    this.bodyChunks.push(chunk.subarray(offset, offset + length));
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.listener) {
      // Bytes nobody asked for (a late or unsolicited response): the stream cannot be trusted.
      this.destroy();
      return;
    }
    this.receivedBytes += chunk.length;
    const result = this.parser.execute(chunk);
    if (result instanceof Error) this.fail(new ConnectionClosedError(result));
  };

  private readonly onEnd = (): void => {
    // A body delimited by the end of the connection is complete now.
    if (this.listener) this.parser.finish();
    this.fail(new ConnectionClosedError());
  };

  private readonly onError = (error: Error): void => this.fail(new ConnectionClosedError(error));

  private readonly onClose = (): void => this.fail(new ConnectionClosedError());

  private readonly onTimer = (): void => {
    if (!this.listener) return;
    const remainingMs = this.deadlineEpochMs - epochNowMs();
    // Timers run on the event loop's cached clock and can fire a little early.
    if (remainingMs > 0) {
      setTimeout(this.onTimer, Math.ceil(remainingMs)).unref();
      return;
    }
    this.fail(new ResponseTimeoutError(this.owner.timeoutMs));
  };

  /** Ends the request in flight (if any) with `error`, and the connection with it. */
  private fail(error: Error): void {
    const listener = this.listener;
    const request = this.request;
    this.listener = undefined;
    this.request = undefined;
    this.destroy();
    if (!listener || !request) return;
    // A kept-alive connection the server closed just as we reused it: nothing of the request was processed.
    const stale = this.completed > 0 && this.receivedBytes === 0 && error instanceof ConnectionClosedError;
    if (stale && !this.retried && IDEMPOTENT.has(request.method))
      this.owner.resend(request, listener, this.sentEpochMs);
    else listener.onFailure(error);
  }

  private retire(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    this.owner.retire(this);
  }
}
