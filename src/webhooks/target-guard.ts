import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';

/**
 * Which webhook targets paygraph may connect to. A platform chooses its endpoint's URL, so
 * without this a webhook would be a way to make paygraph call its own network: the database,
 * Redis, another service's admin port, or the cloud's metadata service and its credentials.
 *
 * The check is made on the address actually connected to (the socket's DNS lookup), not only
 * on the URL when the endpoint is saved: a name that resolved to a public address then may
 * resolve to 127.0.0.1 now (DNS rebinding).
 */

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const NEVER_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT; also Alibaba Cloud's metadata, 100.100.100.200
  ['169.254.0.0', 16], // link-local; AWS, GCP and Azure metadata at 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const)
  NEVER_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['fc00::', 7], // unique local; AWS's IPv6 metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 of any IPv4 address
] as const)
  NEVER_PUBLIC.addSubnet(network, prefix, 'ipv6');

export interface TargetPolicy {
  /** Loopback addresses are allowed (development, so a developer can receive on localhost). */
  allowLoopback: boolean;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1), else the address itself. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** Why paygraph must not connect to `address`, or undefined when it may. */
export function refusedAddress(address: string, policy: TargetPolicy): string | undefined {
  const plain = unmapped(address);
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(plain) === 0) return 'not an IP address';
  if (LOOPBACK.check(plain, family)) return policy.allowLoopback ? undefined : 'a loopback address';
  if (NEVER_PUBLIC.check(plain, family)) return 'a private, link-local or reserved address';
  return undefined;
}

export class RefusedTargetError extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
}

/**
 * A DNS lookup for the webhook agent's sockets that fails the connection when any resolved
 * address is refused: the check happens at connect time, on every new connection.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = Array.isArray(addresses) ? addresses : [];
      const refused = list.map((entry) => refusedAddress(entry.address, policy)).find(Boolean);
      if (list.length === 0 || refused)
        return callback(new RefusedTargetError(`${hostname} resolves to ${refused ?? 'nothing'}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * Why an endpoint URL is refused when it is saved, or undefined: the early, friendly half of
 * the guard (the connect-time lookup is the one that cannot be talked around).
 */
export function refusedUrl(text: string, policy: TargetPolicy & { requireHttps: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (policy.requireHttps && url.protocol !== 'https:') return 'must be https in production';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const refused = refusedAddress(host, policy);
    if (refused) return `must not point at ${refused}`;
  } else if (!policy.allowLoopback && (host === 'localhost' || host.endsWith('.localhost'))) {
    return 'must not point at a loopback address';
  }
  return undefined;
}
