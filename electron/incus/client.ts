import type { Readable } from 'node:stream';
import { WebSocket, request, type Dispatcher } from 'undici';
import { dispatcherFor, endpointAddress, endpointOrigin, type Endpoint } from './endpoint.js';
import { IncusError, IncusUnreachableError, classifyConnectError } from './errors.js';

/** Incus's response envelope. */
export interface Envelope<T = unknown> {
  type: 'sync' | 'async' | 'error';
  status?: string;
  status_code?: number;
  error_code?: number;
  error?: string;
  operation?: string;
  metadata: T;
}

export interface RequestOptions {
  /** Overrides the client's project; null leaves the parameter off (server-wide endpoints). */
  project?: string | null;
  query?: Record<string, string>;
  body?: unknown;
  /** Bytes sent as they are (an image upload) instead of a JSON body. */
  raw?: Readable | Uint8Array;
  headers?: Record<string, string>;
  /** ms before the response headers must arrive; 0 disables (long operation waits). */
  timeoutMs?: number;
  /** A tighter bound on the reply than MAX_REPLY_BYTES (telemetry's small, frequent replies). */
  maxBytes?: number;
}

export interface Response<T> {
  envelope: Envelope<T>;
  etag: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest JSON reply read from a daemon (a long instance list is a few MiB). */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

export type IncusClientOptions = {
  project: string;
  /** Shared connection pool (withProject); made from the endpoint when absent. */
  dispatcher?: Dispatcher;
  timeoutMs?: number;
} & (
  | { endpoint: Endpoint; socketPath?: never }
  /** Shorthand for `endpoint: { kind: 'unix', socketPath }`. */
  | { socketPath: string; endpoint?: never }
);

/** Typed Incus REST client over the daemon's unix socket, or HTTPS with the server's certificate pinned. */
export class IncusClient {
  readonly endpoint: Endpoint;
  /** The socket path or https://host:port, for messages and statuses. */
  readonly address: string;
  readonly project: string;
  private readonly dispatcher: Dispatcher;
  /** ms a request may wait for its reply when it does not say (a stalled daemon must not hang callers). */
  readonly timeoutMs: number;

  constructor(opts: IncusClientOptions) {
    this.endpoint = opts.endpoint ?? { kind: 'unix', socketPath: opts.socketPath };
    this.address = endpointAddress(this.endpoint);
    this.project = opts.project;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = opts.dispatcher ?? dispatcherFor(this.endpoint);
  }

  /** The same daemon, another project; shares the connection pool. */
  withProject(project: string): IncusClient {
    return new IncusClient({ endpoint: this.endpoint, project, dispatcher: this.dispatcher, timeoutMs: this.timeoutMs });
  }

  url(path: string, query: Record<string, string> = {}, project: string | null = this.project): string {
    const params = new URLSearchParams(query);
    if (project !== null && !params.has('project')) params.set('project', project);
    const qs = params.toString();
    return `${endpointOrigin(this.endpoint)}${path}${qs ? (path.includes('?') ? '&' : '?') + qs : ''}`;
  }

  async call<T>(method: Dispatcher.HttpMethod, path: string, opts: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Readable | Uint8Array | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.url(path, opts.query, opts.project === undefined ? this.project : opts.project), {
        method,
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      throw classifyConnectError(err, this.address) ?? err;
    }
    const text = await readBounded(res, this.address, opts.maxBytes);
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      throw notIncus(this.address, res, text);
    }
    if (!isEnvelope(envelope)) throw notIncus(this.address, res, text);
    if (envelope.type === 'error' || res.statusCode >= 400) {
      throw new IncusError(envelope.error || `HTTP ${res.statusCode}`, envelope.error_code ?? res.statusCode);
    }
    const etag = res.headers.etag;
    return { envelope, etag: typeof etag === 'string' ? etag : undefined };
  }

  async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.call<T>('GET', path, opts)).envelope.metadata;
  }

  /** A plain-text GET (e.g. /1.0/metrics, which answers in Prometheus text, not JSON). */
  async getText(path: string, opts: Pick<RequestOptions, 'query' | 'project' | 'timeoutMs' | 'maxBytes'> = {}): Promise<string> {
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.url(path, opts.query, opts.project === undefined ? this.project : opts.project), {
        method: 'GET',
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      throw classifyConnectError(err, this.address) ?? err;
    }
    const text = await readBounded(res, this.address, opts.maxBytes);
    if (res.statusCode >= 400) {
      let message = `HTTP ${res.statusCode}`;
      try {
        message = (JSON.parse(text) as { error?: string }).error || message;
      } catch {
        // Not JSON: keep the status.
      }
      throw new IncusError(message, res.statusCode);
    }
    return text;
  }

  /** Opens a websocket on the daemon (events, exec streams). */
  websocket(path: string, query: Record<string, string> = {}, project: string | null = this.project): WebSocket {
    const ws = new WebSocket(this.url(path, query, project).replace(/^http/, 'ws'), { dispatcher: this.dispatcher });
    ws.binaryType = 'arraybuffer';
    return ws;
  }

  /**
   * A request whose reply is handed over unread (an image export; an upload whose `body` is a
   * stream): the caller consumes or destroys the reply's `body`. `timeoutMs` (0: none) bounds
   * the wait for the headers and each gap between body chunks, so a stalled stream fails rather
   * than hangs. Connect errors come as undici threw them.
   */
  stream(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: Pick<RequestOptions, 'query' | 'project' | 'headers' | 'timeoutMs'> & { body?: Readable; signal?: AbortSignal } = {},
  ): Promise<Dispatcher.ResponseData> {
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    return request(this.url(path, opts.query, opts.project === undefined ? this.project : opts.project), {
      method,
      headers: opts.headers ?? {},
      dispatcher: this.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      ...(opts.body ? { body: opts.body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const type = (v as { type?: unknown }).type;
  return type === 'sync' || type === 'async' || type === 'error';
}

/** Something answered HTTP on the address, but not with Incus's envelope (another web server, a proxy's page). */
function notIncus(address: string, res: Dispatcher.ResponseData, text: string): IncusUnreachableError {
  const type = res.headers['content-type'];
  const snippet = text.slice(0, 120).replace(/\s+/g, ' ').trim();
  return new IncusUnreachableError(
    'not-incus',
    address,
    `The server at ${address} answered, but not as Incus does (HTTP ${res.statusCode}${typeof type === 'string' ? `, ${type.slice(0, 60)}` : ''}${snippet ? `: "${snippet}"` : ''}).`,
  );
}

/** The reply's body as text, refusing one larger than `max` bytes (declared or streamed). */
async function readBounded(res: Dispatcher.ResponseData, address: string, max = MAX_REPLY_BYTES): Promise<string> {
  const tooLarge = () => new IncusError(`The reply from ${address} is larger than ${+(max / 1024 / 1024).toFixed(2)} MiB; refused.`, 502);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
