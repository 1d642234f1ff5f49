/**
 * A remote server's address as the user types it (host, host:port, https://host:port, an IPv6
 * address with or without brackets) made into the one form Enclave stores and compares:
 * https://host:port. Everything that is not a bare origin is refused with its own message.
 */
import { isIP, isIPv6 } from 'node:net';
import { EnclaveError } from '../../../shared/errors.js';

/** Incus's default HTTPS port (core.https_address without a port). */
export const DEFAULT_INCUS_PORT = 8443;

export interface ServerAddress {
  /** Lowercase; an IPv6 address without brackets. */
  host: string;
  port: number;
  /** https://host:port, IPv6 in brackets. */
  address: string;
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function refuse(message: string): never {
  throw new EnclaveError('invalid-arguments', message);
}

export function formatAddress(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function normaliseAddress(input: string): ServerAddress {
  const text = input.trim();
  if (text.length === 0) refuse('Give the server address, e.g. https://incus.example:8443.');
  if (text.length > 300) refuse('A server address is at most 300 characters.');

  let rest = text;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (name === 'http') refuse(`"${text}" uses http://: Incus's remote API is HTTPS only. Use https://, or just host:port.`);
    if (name === 'unix') refuse(`"${text}" is a unix socket: that is the local server ("local"), which Enclave always shows. Give a remote server's host or host:port.`);
    if (name !== 'https') refuse(`"${text}" uses ${name}://: an Incus server is reached over https:// only.`);
    rest = text.slice(scheme[0].length);
  }

  const end = rest.search(/[/?#]/);
  const hostPort = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  if (hostPort.includes('@')) refuse(`"${text}" has a user name in it ("…@"): Incus authenticates with certificates, so give only the host and port.`);
  if (tail.includes('?')) refuse(`"${text}" has a query ("?…"): give only the host and port.`);
  if (tail.includes('#')) refuse(`"${text}" has a fragment ("#…"): give only the host and port.`);
  if (tail !== '' && tail !== '/') refuse(`"${text}" has a path ("${tail.slice(0, 40)}"): give only the host and port; Enclave adds /1.0 itself.`);

  let host: string;
  let portText: string | null = null;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) refuse(`"${text}" opens "[" for an IPv6 address but never closes it.`);
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) refuse(`"${text}": after "]" only ":port" may follow.`);
      portText = after.slice(1);
    }
    if (!isIPv6(host)) refuse(`"${host}" in brackets is not an IPv6 address.`);
  } else if ((hostPort.match(/:/g) ?? []).length > 1) {
    // Several colons without brackets: a bare IPv6 address, which cannot carry a port.
    host = hostPort;
    if (!isIPv6(host)) refuse(`"${hostPort}" is not an IPv6 address. To give a port with one, write it in brackets: [addr]:8443.`);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    if (colon >= 0) portText = hostPort.slice(colon + 1);
  }

  host = host.toLowerCase();
  if (host.length === 0) refuse(`"${text}" has no host name.`);
  if (!isIP(host)) {
    const name = host.endsWith('.') ? host.slice(0, -1) : host;
    if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) {
      refuse(`"${host.slice(0, 80)}" is not a host name or IP address (letters, digits, dashes and dots).`);
    }
    if (/^[0-9.]+$/.test(name)) refuse(`"${host}" is not a valid IPv4 address.`);
  }

  let port = DEFAULT_INCUS_PORT;
  if (portText !== null) {
    if (!/^[0-9]{1,5}$/.test(portText)) refuse(`The port "${portText.slice(0, 20)}" is not a number from 1 to 65535.`);
    port = Number(portText);
    if (port < 1 || port > 65535) refuse(`The port ${port} is out of range: a port is a number from 1 to 65535.`);
  }
  return { host, port, address: formatAddress(host, port) };
}
