import { open, rm } from 'node:fs/promises';
import { request } from 'undici';
import type { IncusClient } from './client.js';
import { dispatcherFor } from './endpoint.js';
import { IncusError, classifyConnectError } from './errors.js';

/** Why a file could not be copied out of an instance. */
export class FilePullError extends Error {
  constructor(
    readonly reason: 'not-found' | 'not-a-file' | 'too-large' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'FilePullError';
  }
}

export interface FilePullOptions {
  /** Bytes the file may have; more is refused (and nothing kept). */
  maxBytes: number;
  /** The whole copy, from the request on. */
  timeoutMs: number;
}

/**
 * Copies one regular file out of an instance through Incus's file API
 * (GET /1.0/instances/NAME/files?path=…) into `dest`, a new host file (mode 0600). The file
 * is the instance's, so it is bounded: a symlink, a directory or anything but a regular file
 * is refused by Incus's X-Incus-Type, more than `maxBytes` (declared or streamed) stops the
 * copy, and so does `timeoutMs`. On any failure `dest` is removed. Returns the bytes copied.
 */
export async function pullFile(client: IncusClient, instance: string, path: string, dest: string, opts: FilePullOptions): Promise<number> {
  const dispatcher = dispatcherFor(client.endpoint);
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, opts.timeoutMs);
  let file: Awaited<ReturnType<typeof open>> | null = null;
  try {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(client.url(`/1.0/instances/${encodeURIComponent(instance)}/files`, { path }), {
        method: 'GET',
        dispatcher,
        signal: abort.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
    } catch (err) {
      if (timedOut) throw new FilePullError('timeout', `copying ${path} out took longer than ${Math.round(opts.timeoutMs / 1000)} s`);
      throw classifyConnectError(err, client.address) ?? err;
    }
    const type = res.headers['x-incus-type'];
    if (res.statusCode === 404) {
      await res.body.dump();
      throw new FilePullError('not-found', `${path} is not there`);
    }
    if (res.statusCode >= 400) {
      const text = (await res.body.text()).slice(0, 2000);
      let message = `HTTP ${res.statusCode}`;
      try {
        message = (JSON.parse(text) as { error?: string }).error || message;
      } catch {
        // Not JSON: keep the status.
      }
      throw new IncusError(message, res.statusCode);
    }
    if (type !== 'file') {
      await res.body.dump();
      throw new FilePullError('not-a-file', `${path} is ${typeof type === 'string' ? `a ${type.slice(0, 20)}` : 'of no type Incus names'}, not a regular file`);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      abort.abort();
      throw new FilePullError('too-large', `${path} has ${declared} bytes, more than the ${opts.maxBytes} allowed`);
    }
    file = await open(dest, 'wx', 0o600);
    let size = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > opts.maxBytes) {
          abort.abort();
          throw new FilePullError('too-large', `${path} has more than the ${opts.maxBytes} bytes allowed`);
        }
        await file.write(chunk);
      }
    } catch (err) {
      if (err instanceof FilePullError) throw err;
      if (timedOut) throw new FilePullError('timeout', `copying ${path} out took longer than ${Math.round(opts.timeoutMs / 1000)} s`);
      throw new FilePullError('failed', `copying ${path} out failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await file.close();
    file = null;
    return size;
  } catch (err) {
    await file?.close().catch(() => undefined);
    await rm(dest, { force: true }).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
    await dispatcher.destroy().catch(() => undefined);
  }
}
