import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { events, type EventName } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import { TOKEN_PARAM, WS_PATH, decodeFrame, encodeFrame, type ClientFrame, type ServerFrame } from '../../shared/wire.js';
import type { ClientLink } from '../core/client-link.js';
import { Listeners } from '../core/disposable.js';
import type { Backend } from '../core/backend.js';
import { contentSecurityPolicy } from '../desktop/content-policy.js';
import { dispatch } from './dispatch.js';
import { resolveStaticFile, uiResponseHeaders } from './static-files.js';
import { checkRequest, requestUrl, tokenCookie } from './web-auth.js';

/** Frames above this close the socket; smaller oversized arguments get a typed error. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** Windows served at once; one more is refused rather than let a loop exhaust the backend. */
export const MAX_CLIENTS = 32;
/** Unanswered calls per connection; more get `busy`. */
export const MAX_CALLS_IN_FLIGHT = 64;
/**
 * Calls that answer at once and cost next to nothing, sent in bursts (a window acks every
 * frame it renders; ws delivers a TCP chunk's frames in one go): never counted, since a
 * refused ack would leave its window "behind" for good and hold the terminal for everyone.
 */
const UNCOUNTED = new Set(['terminals.ack', 'terminals.input', 'terminals.resize']);
/**
 * Bytes queued for a connection that does not read. Terminal output is flow-controlled well
 * below this; past it the window has stopped reading and is cut off (it reconnects by itself).
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Close code telling the client it was cut off for not reading (it reconnects). */
export const CLOSE_NOT_READING = 4008;

/** Every response of browser mode: the UI's headers, with the page's CSP allowing its own WebSocket. */
const SECURITY_HEADERS = {
  ...uiResponseHeaders(contentSecurityPolicy({ connect: 'self' })),
  'x-frame-options': 'DENY',
};

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface WebHostOptions {
  backend: Backend;
  /** Folder of the built renderer (index.html). */
  staticDir: string;
  port?: number;
  token?: string;
}

/** Browser mode: the built renderer and the contract over one WebSocket, on loopback only. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.staticDir);
  let port = 0;

  const server: Server = createServer((req, res) => {
    // Never leave a rejection unhandled: under plain Node it would end the process.
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkRequest(req, token, port);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end(`Enclave: ${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
      return;
    }
    if (verdict.viaQuery) {
      // The token moves into a cookie and out of the address bar and the history.
      const url = requestUrl(req) as URL;
      url.searchParams.delete(TOKEN_PARAM);
      res.writeHead(303, {
        location: url.pathname + url.search,
        'set-cookie': `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        ...SECURITY_HEADERS,
      });
      res.end();
      return;
    }
    const file = await resolveStaticFile(root, requestUrl(req)?.pathname ?? '');
    if (!file.ok) {
      res.writeHead(file.status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end(file.status === 404 ? 'Not found\n' : 'Bad path\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.size), ...SECURITY_HEADERS });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
  }

  server.on('upgrade', (req, socket, head) => {
    const path = requestUrl(req)?.pathname;
    const verdict = checkRequest(req, token, port);
    if (path !== WS_PATH || !verdict.ok) {
      const status = verdict.ok ? 404 : verdict.status;
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\n\r\n`);
      return;
    }
    if (wss.clients.size >= MAX_CLIENTS) {
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\nEnclave serves at most ${MAX_CLIENTS} windows at once.\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws));
  });

  let clients = 0;

  function serveClient(ws: WebSocket): void {
    const closeListeners = new Listeners();
    let inFlight = 0;
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(CLOSE_NOT_READING, 'This window stopped reading: reconnect.');
        return;
      }
      ws.send(encodeFrame(frame));
    };
    const link: ClientLink = {
      id: `ws-${++clients}`,
      push: (event, payload) => send({ t: 'event', event, payload }),
      onClose: (listener) => closeListeners.add(listener),
    };
    for (const event of Object.keys(events) as EventName[]) {
      const listener = (payload: unknown) => send({ t: 'event', event, payload });
      opts.backend.events.on(event, listener as never);
      closeListeners.add(() => opts.backend.events.off(event, listener as never));
    }

    ws.on('message', (data: RawData, isBinary: boolean) => void onMessage(data, isBinary));
    ws.on('close', () => closeListeners.fire());
    ws.on('error', () => ws.terminate());

    async function onMessage(data: RawData, isBinary: boolean): Promise<void> {
      const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let frame: Partial<ClientFrame>;
      try {
        frame = decodeFrame(isBinary ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : raw.toString('utf8')) as Partial<ClientFrame>;
        if (typeof frame !== 'object' || frame === null || frame.t !== 'call' || typeof frame.id !== 'number') {
          throw new Error('expected {t:"call", id:number, method, args}');
        }
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        send({ t: 'reply', id: -1, reply: { ok: false, error: new EnclaveError('invalid-arguments', `Malformed frame: ${reason}`).toInfo() } });
        return;
      }
      // Not String(method): a method sent as {"toString": 1} would throw, and the call go unanswered.
      const counted = !(typeof frame.method === 'string' && UNCOUNTED.has(frame.method));
      if (counted && inFlight >= MAX_CALLS_IN_FLIGHT) {
        const busy = new EnclaveError('busy', `This window has ${MAX_CALLS_IN_FLIGHT} calls unanswered; wait for some to finish.`);
        send({ t: 'reply', id: frame.id, reply: { ok: false, error: busy.toInfo() } });
        return;
      }
      if (counted) inFlight++;
      try {
        // A text frame's size is its arguments' size, so it need not be serialized again; a
        // binary frame carries raw bytes besides, which the contract's schemas bound.
        const reply = await dispatch(opts.backend.handlers, frame.method, frame.args, {
          client: link,
          knownSize: isBinary ? undefined : raw.length,
        });
        send({ t: 'reply', id: frame.id, reply });
      } finally {
        if (counted) inFlight--;
      }
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections(); // requests in flight would hold close() open
      await closed;
    },
  };
}
