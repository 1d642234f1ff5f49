import WebSocket from 'ws';
import type { IncusClient } from './client.js';
import { wsTarget } from './endpoint.js';

/** How long an operation's websocket may take to open (TCP, TLS and the upgrade) before it fails. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A websocket on one of an exec operation's streams, over the client's endpoint: the unix
 * socket, or wss:// with the server's certificate pinned (the same TLS options as its requests).
 */
export function operationSocket(client: IncusClient, operation: string, secret: string, opts: Pick<WebSocket.ClientOptions, 'autoPong' | 'maxPayload'>): WebSocket {
  const path = `/1.0/operations/${encodeURIComponent(operation)}/websocket?secret=${encodeURIComponent(secret)}&project=${encodeURIComponent(client.project)}`;
  const { url, tls } = wsTarget(client.endpoint, path);
  // ws hands these to tls.connect as they are, so checkServerIdentity has Node's signature
  // (Error | undefined), not the boolean one @types/ws declares for it.
  const secure = tls as Omit<typeof tls, 'checkServerIdentity'>;
  return new WebSocket(url, { ...secure, ...opts, perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
}
