import type { Readable } from 'node:stream';
import { Agent, WebSocket, request, type Dispatcher } from 'undici';
import { IncusError, classifyConnectError } from './errors.js';

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
}

export interface Response<T> {
  envelope: Envelope<T>;
  etag: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Typed Incus REST client over the daemon's unix socket. */
export class IncusClient {
  readonly socketPath: string;
  readonly project: string;
  private readonly dispatcher: Dispatcher;
  /** ms a request may wait for its reply when it does not say (a stalled daemon must not hang callers). */
  readonly timeoutMs: number;

  constructor(opts: { socketPath: string; project: string; dispatcher?: Dispatcher; timeoutMs?: number }) {
    this.socketPath = opts.socketPath;
    this.project = opts.project;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = opts.dispatcher ?? new Agent({ connect: { socketPath: opts.socketPath }, keepAliveTimeout: 30_000 });
  }

  /** The same daemon, another project; shares the connection pool. */
  withProject(project: string): IncusClient {
    return new IncusClient({ socketPath: this.socketPath, project, dispatcher: this.dispatcher, timeoutMs: this.timeoutMs });
  }

  url(path: string, query: Record<string, string> = {}, project: string | null = this.project): string {
    const params = new URLSearchParams(query);
    if (project !== null && !params.has('project')) params.set('project', project);
    const qs = params.toString();
    return `http://incus${path}${qs ? (path.includes('?') ? '&' : '?') + qs : ''}`;
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
      throw classifyConnectError(err, this.socketPath) ?? err;
    }
    const text = await res.body.text();
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      throw new IncusError(`Incus sent a non-JSON reply (HTTP ${res.statusCode}): ${text.slice(0, 200)}`, res.statusCode);
    }
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
  async getText(path: string, opts: Pick<RequestOptions, 'query' | 'project' | 'timeoutMs'> = {}): Promise<string> {
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
      throw classifyConnectError(err, this.socketPath) ?? err;
    }
    const text = await res.body.text();
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

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
