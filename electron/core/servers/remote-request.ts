/**
 * JSON requests to a remote daemon over its pinned HTTPS endpoint, for the few calls trust
 * needs before a server is added (GET /1.0, POST /1.0/certificates). Kept in one place so it
 * can become IncusClient once that takes an Endpoint. Replies are bounded and timed out;
 * network and TLS failures become a ServerProblem that says which.
 */
import { request, type Dispatcher } from 'undici';
import { CERT_MISMATCH, dispatcherFor, endpointAddress, type Endpoint } from '../../incus/endpoint.js';
import { ServerProblem } from './server-problem.js';

export type HttpsEndpoint = Extract<Endpoint, { kind: 'https' }>;

/** Far above any reply of the endpoints used here. */
const MAX_REPLY_BYTES = 1024 * 1024;

export interface JsonReply {
  status: number;
  /** The parsed envelope, or null when the reply was not JSON. */
  body: unknown;
}

/** TLS verification codes: the peer is not the pinned certificate (or not a valid one). */
const CERT_CODES = new Set([
  CERT_MISMATCH,
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  // undici wraps the socket's error as the cause.
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What went wrong reaching `where` (host:port or https://…), as the user should read it. */
export function networkProblem(err: unknown, where: string, timeoutMs: number): ServerProblem {
  if (err instanceof ServerProblem) return err;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED') {
    return new ServerProblem('unreachable', `Nothing is listening at ${where} (connection refused). Check the address and the port: Incus listens where the server's core.https_address says (8443 unless set otherwise).`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ServerProblem('unreachable', `The host name in ${where} cannot be resolved on this machine.`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new ServerProblem('unreachable', `${where} cannot be reached from this machine (${code}).`);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (err instanceof Error && err.name === 'TimeoutError')) {
    return new ServerProblem('not-responding', `${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
  }
  if (code !== undefined && CERT_CODES.has(code)) {
    return new ServerProblem(
      'certificate-changed',
      `${where} presented a certificate that is not the one Enclave expected, so the connection was refused (${code}). If the server's certificate was changed on purpose, remove the server and add it again; otherwise someone may be in between.`,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ServerProblem('certificate-changed', `The certificate of ${where} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}; the server must renew it.`);
  }
  if (code === 'ECONNRESET' || code === 'EPROTO' || (code !== undefined && code.startsWith('ERR_SSL_'))) {
    return new ServerProblem('not-incus', `${where} does not speak TLS as an Incus server does (${code}): is it the Incus HTTPS port?`);
  }
  return new ServerProblem('unreachable', `${where} could not be reached: ${message}`);
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
