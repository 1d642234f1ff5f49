/**
 * JSON requests to a remote daemon over its pinned HTTPS endpoint, for the few calls trust
 * needs before a server is added (GET /1.0, POST /1.0/certificates). Kept in one place so it
 * can become IncusClient once that takes an Endpoint. Replies are bounded and timed out;
 * network and TLS failures become a ServerProblem that says which.
 */
import { request, type Dispatcher } from 'undici';
import { dispatcherFor, endpointAddress, type Endpoint } from '../../incus/endpoint.js';
import { classifyConnectError } from '../../incus/errors.js';
import { ServerProblem } from './server-problem.js';

export type HttpsEndpoint = Extract<Endpoint, { kind: 'https' }>;

/** Far above any reply of the endpoints used here. */
const MAX_REPLY_BYTES = 1024 * 1024;

export interface JsonReply {
  status: number;
  /** The parsed envelope, or null when the reply was not JSON. */
  body: unknown;
}

/**
 * What went wrong reaching `where` (https://host:port), as the user should read it: the
 * transport's own classification (the same words a connected server's failures get), with
 * the timeouts of these one-off calls added.
 */
export function networkProblem(err: unknown, where: string, timeoutMs: number): ServerProblem {
  if (err instanceof ServerProblem) return err;
  const known = classifyConnectError(err, where);
  if (known) return new ServerProblem(known.problem, known.message);
  if (err instanceof Error && (err.name === 'TimeoutError' || (err as { code?: unknown }).code === 'ABORT_ERR')) {
    return new ServerProblem('not-responding', `${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
  }
  return new ServerProblem('unreachable', `${where} could not be reached: ${err instanceof Error ? err.message : String(err)}`);
}

export async function httpsJson(
  endpoint: HttpsEndpoint,
  method: Dispatcher.HttpMethod,
  path: string,
  opts: { body?: unknown; timeoutMs: number },
): Promise<JsonReply> {
  const dispatcher = dispatcherFor(endpoint);
  const where = endpointAddress(endpoint);
  try {
    const res = await request(`${where}${path}`, {
      method,
      dispatcher,
      headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > MAX_REPLY_BYTES) {
        res.body.destroy();
        throw new ServerProblem('not-incus', `${where} answered ${path} with more than ${MAX_REPLY_BYTES} bytes; that is not an Incus reply.`);
      }
      chunks.push(buf);
    }
    let body: unknown = null;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = null;
    }
    return { status: res.statusCode, body };
  } catch (err) {
    throw networkProblem(err, where, opts.timeoutMs);
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}
