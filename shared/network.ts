/**
 * Network policy of an agent, as the contract states it: pure checks shared by both sides,
 * each problem stating the accepted forms.
 */
import type { NetworkMode } from './types.js';

export const NETWORK_MODES: readonly NetworkMode[] = ['none', 'restricted', 'allowlist', 'open'];

export const MAX_ALLOW_ENTRIES = 64;
export const MAX_ALLOW_PORTS = 16;

export const HOST_RULE =
  'A host is a DNS name such as "api.anthropic.com", an IPv4 address such as "203.0.113.7", or an IPv4 network such as "203.0.113.0/24".';
export const BANDWIDTH_RULE =
  'A bandwidth is empty (unlimited) or a rate in bits per second such as "100Mbit" or "1Gbit" (units bit, kbit, Mbit, Gbit).';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isIPv4(v: string): boolean {
  return IPV4.test(v);
}

/** An IPv4 network "a.b.c.d/n" (n 0–32). */
export function isIPv4Cidr(v: string): boolean {
  const [addr, bits, ...rest] = v.split('/');
  if (rest.length || addr === undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return false;
  return isIPv4(addr) && Number(bits) <= 32;
}

export function isDnsName(v: string): boolean {
  if (v.length > 253 || !v.includes('.')) return false;
  const labels = v.replace(/\.$/, '').split('.');
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

export function allowHostProblem(v: string): string | null {
  if (isIPv4(v) || isIPv4Cidr(v) || isDnsName(v)) return null;
  return `"${v}" is not a host. ${HOST_RULE}`;
}

export function portProblem(p: number): string | null {
  if (Number.isInteger(p) && p >= 1 && p <= 65535) return null;
  return `${p} is not a port: a port is a whole number from 1 to 65535.`;
}

export function bandwidthProblem(v: string): string | null {
  if (v === '' || /^[1-9]\d{0,5}(bit|kbit|Mbit|Gbit)$/.test(v)) return null;
  return `"${v}" is not a bandwidth. ${BANDWIDTH_RULE}`;
}
