/** IPv4 arithmetic for Enclave's bridges: addresses as unsigned 32-bit numbers. */

export interface Subnet {
  /** Network address as a number. */
  base: number;
  bits: number;
}

export function toNumber(addr: string): number {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`"${addr}" is not an IPv4 address`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function toAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** "10.1.2.3/24" (host bits allowed, as in a bridge's ipv4.address) → its subnet; null when not IPv4. */
export function parseCidr(cidr: string): Subnet | null {
  const [addr, bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  if (!addr || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  try {
    return { base: (toNumber(addr) & mask(bits)) >>> 0, bits };
  } catch {
    return null;
  }
}

export function formatSubnet(s: Subnet): string {
  return `${toAddress(s.base)}/${s.bits}`;
}

export function lastAddress(s: Subnet): number {
  return (s.base | (~mask(s.bits) >>> 0)) >>> 0;
}

export function contains(s: Subnet, addr: number): boolean {
  return ((addr & mask(s.bits)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return contains(a, b.base) || contains(b, a.base);
}
