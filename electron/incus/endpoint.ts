/**
 * Where a daemon is and how to reach it: the local unix socket, or HTTPS with a client
 * certificate and the server's certificate pinned. Every request, events stream and exec
 * websocket goes through the options made here, so no path can talk to a remote unpinned.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { Agent } from 'undici';

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  | {
      kind: 'https';
      host: string;
      port: number;
      /** The server's certificate (or its cluster's), the only one accepted. */
      serverCertPem: string;
      client: TlsIdentity;
    };

/** Error code of a connection refused because the server's certificate is not the pinned one. */
export const CERT_MISMATCH = 'ENCLAVE_CERT_MISMATCH';

/** SHA-256 of a certificate's DER, lowercase hex (the incus CLI's fingerprint). */
export function certFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

export function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** A label for messages: the socket path or https://host:port. */
export function endpointAddress(e: Endpoint): string {
  return e.kind === 'unix' ? e.socketPath : `https://${hostForUrl(e.host)}:${e.port}`;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Whether an address (endpointAddress, a status's `socketPath`) names a daemon on this machine's socket. */
export function isLocalAddress(address: string): boolean {
  return !address.startsWith('https://');
}

/** The origin requests go to: undici needs some host for the unix socket, which it ignores. */
export function endpointOrigin(e: Endpoint): string {
  return e.kind === 'unix' ? 'http://incus' : endpointAddress(e);
}

/**
 * TLS options that accept exactly the pinned certificate: it is the only CA, and the host
 * name check is replaced by the fingerprint check (Incus certificates rarely name the address
 * used to reach them; the pin is what is trusted, as the incus CLI does with servercerts/).
 */
export function pinnedTls(e: Extract<Endpoint, { kind: 'https' }>) {
  const pinned = certFingerprint(e.serverCertPem);
  return {
    ca: [e.serverCertPem],
    cert: e.client.certPem,
    key: e.client.keyPem,
    rejectUnauthorized: true,
    checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
      const got = cert.raw ? createHash('sha256').update(cert.raw).digest('hex') : '';
      if (got === pinned) return undefined;
      const err = new Error(`The server's certificate (${got.slice(0, 16) || 'none'}…) is not the pinned one (${pinned.slice(0, 16)}…).`);
      (err as NodeJS.ErrnoException).code = CERT_MISMATCH;
      return err;
    },
  };
}

/** The undici dispatcher for REST calls and the events websocket. */
export function dispatcherFor(e: Endpoint): Agent {
  if (e.kind === 'unix') return new Agent({ connect: { socketPath: e.socketPath }, keepAliveTimeout: 30_000 });
  // HTTP/1.1 only: Incus offers h2 over TLS, and its websocket upgrades need 1.1.
  return new Agent({ connect: { ...pinnedTls(e), timeout: 10_000 }, keepAliveTimeout: 30_000, allowH2: false });
}

/** URL and TLS options for the `ws` library (exec and pty streams). */
export function wsTarget(e: Endpoint, pathAndQuery: string): { url: string; tls: ReturnType<typeof pinnedTls> | Record<string, never> } {
  if (e.kind === 'unix') return { url: `ws+unix://${e.socketPath}:${pathAndQuery}`, tls: {} };
  return { url: `wss://${hostForUrl(e.host)}:${e.port}${pathAndQuery}`, tls: pinnedTls(e) };
}
