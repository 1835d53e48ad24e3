import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OrdealError } from '../errors/ordeal-error.ts';
import { isHostAllowed, isLoopbackHost } from './address-allowlist.ts';

/** Where ordeal may send anything: the scenario's allowlist, and whether non-loopback addresses were confirmed. */
export interface NetworkPolicy {
  allowlist: readonly string[];
  allowNonLoopback: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export const bareHost = (host: string): string =>
  host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;

/**
 * Why `address` (an IP literal that `host` resolved to) may not be dialled
 * under `policy`, or undefined when it may. An address is allowed when it, or
 * the name that led to it, is on the allowlist; a non-loopback address also
 * needs --allow-non-loopback.
 */
export function refusalOf(host: string, address: string, policy: NetworkPolicy): string | undefined {
  const named = bareHost(host).toLowerCase() !== address.toLowerCase() ? ` (${host} resolves to it)` : '';
  if (!isHostAllowed(address, policy.allowlist) && !isHostAllowed(host, policy.allowlist)) {
    return `address ${address}${named} is not on the allowlist [${policy.allowlist.join(', ')}] (add it to target.allowlist if you mean it)`;
  }
  if (!isLoopbackHost(address) && !policy.allowNonLoopback) {
    return `address ${address}${named} is not a loopback address (ordeal refuses non-loopback targets unless run with --allow-non-loopback)`;
  }
  return undefined;
}

/**
 * What dialling `host` would reach, checked: an IP literal as it is (already
 * normalised by URL parsing: `0x7f.1` is 127.0.0.1), a name through the
 * system resolver (/etc/hosts included, `localhost` too), every address it
 * resolves to. Throws ORDEAL_ERR_TARGET_NOT_ALLOWED naming `field` when any is
 * refused, so nothing is sent to a name that could resolve elsewhere.
 */
export async function resolveAllowed(field: string, host: string, policy: NetworkPolicy): Promise<ResolvedAddress[]> {
  const bare = bareHost(host);
  const family = isIP(bare);
  let addresses: ResolvedAddress[];
  if (family !== 0) addresses = [{ address: bare, family: family as 4 | 6 }];
  else {
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })).map((a) => ({
        address: a.address,
        family: a.family as 4 | 6,
      }));
    } catch (cause) {
      throw new OrdealError(
        'ORDEAL_ERR_TARGET_NOT_ALLOWED',
        `${field}: host "${host}" does not resolve (${(cause as Error).message})`,
        { cause },
      );
    }
  }
  for (const { address } of addresses) {
    const refusal = refusalOf(host, address, policy);
    if (refusal) throw new OrdealError('ORDEAL_ERR_TARGET_NOT_ALLOWED', `${field}: ${refusal}`);
  }
  return addresses;
}

/** `host:port` with the host replaced by the checked literal address it resolves to (what Toxiproxy is handed). */
export async function resolveHostPort(field: string, hostPort: string, policy: NetworkPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(`http://${hostPort}`);
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: "${hostPort}" is not host:port (use e.g. "127.0.0.1:18090")`,
      { cause },
    );
  }
  if (!url.port || url.pathname !== '/' || url.search || url.username) {
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${field}: "${hostPort}" is not host:port (use e.g. "127.0.0.1:18090")`,
    );
  }
  const [first] = await resolveAllowed(field, url.hostname, policy);
  return first!.family === 6 ? `[${first!.address}]:${url.port}` : `${first!.address}:${url.port}`;
}
