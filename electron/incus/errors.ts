import type { ConnectionProblem } from '../../shared/types.js';
import { CERT_MISMATCH } from './endpoint.js';

/** An error Incus itself returned: its message and HTTP status, untouched. */
export class IncusError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'IncusError';
    this.status = status;
  }
}

/** The daemon could not be reached, or what answered is not a daemon we may use. */
export class IncusUnreachableError extends Error {
  readonly problem: ConnectionProblem;
  /** The socket path or https://host:port (endpointAddress). */
  readonly address: string;
  constructor(problem: ConnectionProblem, address: string, message: string) {
    super(message);
    this.name = 'IncusUnreachableError';
    this.problem = problem;
    this.address = address;
  }
}

/** Node's and OpenSSL's codes for a certificate that does not verify against the pinned one. */
const CERT_REFUSED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CERT_DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** TLS alerts by which a server refuses the client's certificate. */
const CLIENT_CERT_REFUSED = /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|ACCESS_DENIED)$/;
/** OpenSSL's words when the peer does not speak TLS (a plain HTTP server, SSH, …). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request|record layer failure|before secure TLS connection was established/i;
const UNREACHABLE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/**
 * Maps a connect-time failure (an errno, TLS or undici code somewhere in the cause chain) to a
 * problem with a message naming `address` (a socket path, or https://host:port for a remote).
 */
export function classifyConnectError(err: unknown, address: string): IncusUnreachableError | null {
  if (err instanceof IncusUnreachableError) return err;
  const remote = address.startsWith('https://');
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const found = remote ? classifyRemote(cur, address) : classifyLocal(cur, address);
    if (found) return found;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function classifyLocal(e: unknown, socketPath: string): IncusUnreachableError | null {
  const code = codeOf(e);
  if (code === 'ENOENT') return new IncusUnreachableError('missing', socketPath, `The Incus socket ${socketPath} does not exist.`);
  if (code === 'EACCES' || code === 'EPERM') return new IncusUnreachableError('permission-denied', socketPath, `Permission denied on ${socketPath}.`);
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ENOTSOCK' || (code && DROPPED.has(code)))
    return new IncusUnreachableError('not-responding', socketPath, `Incus is not responding on ${socketPath} (${code}).`);
  return null;
}

function classifyRemote(e: unknown, address: string): IncusUnreachableError | null {
  const code = codeOf(e);
  const message = e instanceof Error ? e.message : '';
  const make = (problem: ConnectionProblem, text: string) => new IncusUnreachableError(problem, address, text);
  if (code === CERT_MISMATCH || (code && CERT_REFUSED.has(code)))
    return make(
      'certificate-changed',
      `Refused ${address}: its certificate is not the one pinned for this server (${code === CERT_MISMATCH ? message : code}). It may have been reinstalled, or something else is answering at this address. Nothing was sent.`,
    );
  if (code && CERT_DATES.has(code))
    return make('certificate-changed', `Refused ${address}: the pinned certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}. Nothing was sent.`);
  if (code && CLIENT_CERT_REFUSED.test(code)) return make('untrusted', `${address} refused Enclave's client certificate during the TLS handshake (${code}).`);
  if (code === 'ECONNREFUSED') return make('not-responding', `Nothing listens on ${address} (connection refused): wrong port, or Incus is not running there?`);
  if (code && UNRESOLVED.has(code)) return make('unreachable', `The name in ${address} does not resolve (${code}).`);
  if (code && UNREACHABLE.has(code))
    return make('unreachable', `${address} cannot be reached (${code === 'UND_ERR_CONNECT_TIMEOUT' ? 'no answer to connect in time' : code}): no route, the host is down, or a firewall drops the connection.`);
  if (code === 'EACCES' || code === 'EPERM') return make('unreachable', `Connecting to ${address} was not permitted on this computer (${code}).`);
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL_') || (message && NOT_TLS.test(message)))
    return make('not-incus', `${address} does not speak TLS as Incus does (${tlsReason(e, message) || code}): not an Incus server, or the wrong port.`);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return make('not-responding', `${address} accepted the connection but did not answer in time (${code}).`);
  if (code && DROPPED.has(code)) return make('not-responding', `${address} dropped the connection (${code}).`);
  return null;
}

/** OpenSSL's short reason ("wrong version number") rather than its whole error line. */
function tlsReason(e: unknown, message: string): string {
  const reason = (e as { reason?: unknown }).reason;
  return (typeof reason === 'string' && reason ? reason : message).slice(0, 120);
}
