import { connectionErrorKind, type ErrorKind } from '../metrics/error-kind.ts';
import type { PreparedRequest } from '../flows/request-mix.ts';

/** Told how a request ended. Callbacks, not promises: this is the load loop's hot path. */
export interface ResponseListener {
  /** The whole response has arrived (its body discarded). */
  onStatus(status: number): void;
  /** Timeout, refused, reset: no response. */
  onFailure(error: Error): void;
  /**
   * Instead of onStatus, for a request with `readResponse`: the status, the
   * headers as received (flat: name, value, name, value…) and the body, for
   * captures — undefined when it was over the capture bound (read and dropped).
   */
  onResponse?(status: number, headers: readonly string[], body: string | undefined): void;
}

/** A response body a step captures from is kept up to this by default (load.maxCaptureBytes); beyond it, the body is drained and `onResponse` gets undefined. */
export const DEFAULT_MAX_CAPTURE_BYTES = 16 * 1024 * 1024;

export interface HttpSender {
  send(request: PreparedRequest, listener: ResponseListener): void;
  /** Opens connections ahead of load (no request sent), up to `count` in all. */
  preconnect?(count: number): Promise<void>;
  /** Raises the connection cap. */
  growTo?(maxConnections: number): void;
  close(): Promise<void>;
}

const TIMEOUT_CODES = new Set(['ORDEAL_RESPONSE_TIMEOUT', 'ETIMEDOUT']);

export function errorKindOfSendFailure(error: unknown): ErrorKind {
  return TIMEOUT_CODES.has((error as { code?: string }).code ?? '') ? 'timeout' : connectionErrorKind(error);
}
