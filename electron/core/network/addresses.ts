import { contains, lastAddress, parseCidr, toAddress, toNumber } from './ipv4.js';

/**
 * Static addresses on an Enclave bridge: Enclave hands out the lower part of the subnet,
 * dnsmasq's dynamic range (for NICs made by other clients) is the upper part, so the two
 * never meet.
 */
export const DYNAMIC_SHARE = 56;

/** The bridge's `ipv4.dhcp.ranges` for a gateway such as "10.97.0.1/24". */
export function dynamicRange(gateway: string): string {
  const s = parseCidr(gateway);
  if (!s) throw new Error(`"${gateway}" is not an IPv4 network`);
  const last = lastAddress(s) - 1;
  return `${toAddress(last - DYNAMIC_SHARE + 1)}-${toAddress(last)}`;
}

/** A free static address in the bridge's subnet, or null when all are taken. */
export function freeAddress(gateway: string, used: Iterable<string>, skip = 0): string | null {
  const s = parseCidr(gateway);
  if (!s) throw new Error(`"${gateway}" is not an IPv4 network`);
  const gw = toNumber(gateway.split('/')[0]!);
  const taken = new Set<number>();
  for (const u of used) {
    try {
      taken.add(toNumber(u));
    } catch {
      // Not an IPv4 address: nothing to avoid.
    }
  }
  const last = lastAddress(s) - 1 - DYNAMIC_SHARE;
  let skipped = 0;
  for (let n = s.base + 1; n <= last; n++) {
    if (n === gw || taken.has(n) || !contains(s, n)) continue;
    if (skipped++ < skip) continue;
    return toAddress(n);
  }
  return null;
}
