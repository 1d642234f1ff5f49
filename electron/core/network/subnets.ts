import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { formatSubnet, overlaps, parseCidr, type Subnet } from './ipv4.js';

/**
 * Choosing a /24 for a bridge Enclave creates: one that collides with no route of the host,
 * none of its interface addresses and no other Incus network.
 */

/** Candidates, in order: 10.97.0.0/24, 10.97.1.0/24, … 10.126.255.0/24. */
export function* candidateSubnets(firstSecondOctet = 97, lastSecondOctet = 126): Generator<Subnet> {
  for (let a = firstSecondOctet; a <= lastSecondOctet; a++) {
    for (let b = 0; b < 256; b++) yield { base: ((10 << 24) | (a << 16) | (b << 8)) >>> 0, bits: 24 };
  }
}

/** The first candidate overlapping none of `taken` (default routes are never counted as taken). */
export function freeSubnet(taken: readonly string[], candidates: Iterable<Subnet> = candidateSubnets()): string | null {
  const used = taken.map(parseCidr).filter((s): s is Subnet => s !== null && s.bits > 0);
  for (const c of candidates) {
    if (!used.some((u) => overlaps(u, c))) return formatSubnet(c);
  }
  return null;
}

/** Destinations of /proc/net/route ("Iface Destination Gateway Flags … Mask", little-endian hex). */
export function parseRouteTable(text: string): string[] {
  const hexToAddr = (hex: string) => {
    const n = parseInt(hex, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  };
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^[0-9A-Fa-f]{8}$/.test(f[1]!) && /^[0-9A-Fa-f]{8}$/.test(f[7]!))
    .map((f) => {
      const maskBits = hexToAddr(f[7]!).split('.').reduce((n, o) => n + (Number(o).toString(2).match(/1/g)?.length ?? 0), 0);
      return `${hexToAddr(f[1]!)}/${maskBits}`;
    });
}

/** The local host's IPv4 routes; none when the file cannot be read (not Linux). */
export async function localRoutes(): Promise<string[]> {
  try {
    return parseRouteTable(await readFile('/proc/net/route', 'utf8'));
  } catch {
    return [];
  }
}

/** Every address (IPv4 with its prefix, IPv6 bare) on the local host's interfaces. */
export function localAddresses(): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4') v4.push(a.cidr ?? `${a.address}/32`);
      else v6.push(a.address.split('%')[0]!);
    }
  }
  return { v4, v6 };
}
