import { DEFAULT_MAX_CAPTURE_BYTES, type HttpSender } from './http-sender.ts';
import { RawHttpSender } from './raw-http-sender.ts';

/**
 * ordeal drives plain `http://` targets (the address guard refuses others)
 * through its plain-socket sender: requests serialised once, one parser per
 * connection, the whole response bounded by `timeoutMs`. `connectAddress` is
 * the checked address the origin's host resolved to.
 */
export function createHttpSender(
  origin: URL,
  maxConnections: number,
  timeoutMs: number,
  connectAddress?: string,
  maxCaptureBytes = DEFAULT_MAX_CAPTURE_BYTES,
): HttpSender {
  return new RawHttpSender(origin, maxConnections, timeoutMs, connectAddress, maxCaptureBytes);
}
