import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent. The store posts to URLs an admin typed, from inside the merchant's
 * network, so a URL must not reach that network (SSRF): https only, and no address that is
 * loopback, private, link-local (cloud metadata at 169.254.169.254), shared, multicast or reserved.
 * The check runs on the URL when a subscription is saved and on the resolved address of every
 * request (a name may resolve elsewhere later).
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64 addresses would smuggle any IPv4 address past the list above
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export interface TargetPolicy {
  /** `webhooks.allowLoopback`: development and tests may send to `http://localhost` / `127.0.0.1`. */
  allowLoopback: boolean;
}

/** Why an address may not be sent to, or undefined when it may. */
export function refusedAddress(address: string, policy: TargetPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && loopback.check(address, type)) return undefined;
  if (refused.check(address, type)) return `${address} is a loopback, private, link-local or reserved address`;
  return undefined;
}

/** Why a subscription URL is refused, or undefined when it is acceptable. */
export function refusedUrl(raw: string, policy: TargetPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  // the WHATWG parser has already normalised hosts such as `0x7f.1` or `2130706433` to dotted form
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const isLoopbackName = host === 'localhost';
  const isLoopbackTarget = isLoopbackName || (isIP(host) !== 0 && loopback.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6'));
  if (url.protocol === 'http:') {
    if (!(policy.allowLoopback && isLoopbackTarget)) return 'must use https (http only to localhost when webhooks.allowLoopback is on)';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (isLoopbackName) return policy.allowLoopback ? undefined : 'must not point at localhost';
  if (host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return `must not point at an internal name (${host})`;
  if (isIP(host) !== 0) {
    const reason = refusedAddress(host, policy);
    if (reason) return `must not point at ${reason}`;
  }
  return undefined;
}
