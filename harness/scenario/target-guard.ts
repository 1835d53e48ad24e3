import { OrdealError } from '../errors/ordeal-error.ts';
import { isHostAllowed, isLoopbackHost } from '../net/address-allowlist.ts';

/**
 * Refuses, before any packet is sent, a URL whose host is not on the allowlist.
 * Non-loopback hosts are refused outright unless the caller confirmed them.
 */
export function assertTargetAllowed(
  field: string,
  urlText: string,
  allowlist: readonly string[],
  options: { allowNonLoopback?: boolean } = {},
): URL {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: "${urlText}" is not a URL (use e.g. "http://127.0.0.1:8080")`,
      { cause },
    );
  }
  if (url.protocol !== 'http:') {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: "${urlText}" uses ${url.protocol} (ordeal drives plain http://)`,
    );
  }
  const host = url.hostname;
  if (!isHostAllowed(host, allowlist)) {
    throw new OrdealError(
      'ORDEAL_ERR_TARGET_NOT_ALLOWED',
      `${field}: host "${host}" is not on the allowlist [${allowlist.join(', ')}] (add it to target.allowlist if you mean it)`,
    );
  }
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new OrdealError(
      'ORDEAL_ERR_TARGET_NOT_ALLOWED',
      `${field}: host "${host}" is not a loopback address (ordeal refuses non-loopback targets unless run with --allow-non-loopback)`,
    );
  }
  return url;
}
