import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isLoopbackHost(host: string): boolean {
  const bare = stripBrackets(host).toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when `host` matches an allowlist entry: an IP, a CIDR ("127.0.0.0/8") or an exact host name. */
export function isHostAllowed(host: string, allowlist: readonly string[]): boolean {
  const bare = stripBrackets(host).toLowerCase();
  const family = isIP(bare);
  return allowlist.some((entry) => {
    const [base = '', prefix] = entry.toLowerCase().split('/');
    const entryFamily = isIP(base);
    if (entryFamily === 0) return prefix === undefined && base === bare;
    if (family !== entryFamily) return false;
    const list = new BlockList();
    const type = entryFamily === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(base, type);
    else list.addSubnet(base, Number(prefix), type);
    return list.check(bare, type);
  });
}
