/**
 * How a remote server becomes trusted, both ways: Enclave learns the server's certificate
 * (first contact, shown to the user, then pinned), and the server learns Enclave's (a trust
 * token from `incus config trust add`, or the user trusting Enclave's certificate there).
 * The token's secret is only ever sent over a connection pinned to the certificate the token
 * names, so a server that is not the one that issued it never sees it.
 */
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { isIP } from 'node:net';
import { z } from 'zod';
import { EnclaveError } from '../../../shared/errors.js';
import type { ServerProbe, TrustToken } from '../../../shared/servers.js';
import { certFingerprint, derToPem, type TlsIdentity } from '../../incus/endpoint.js';
import { formatAddress, normaliseAddress } from './address.js';
import { httpsJson, networkProblem, type HttpsEndpoint } from './remote-request.js';
import { ServerProblem } from './server-problem.js';

export const PROBE_TIMEOUT_MS = 10_000;
const MAKE_ONE = 'Make a new one on the server with `incus config trust add NAME`.';

const tokenSchema = z.object({
  client_name: z.string().max(256).optional(),
  fingerprint: z.string().optional(),
  addresses: z.array(z.string().max(300)).max(64).nullish(),
  secret: z.string().max(1024).optional(),
  expires_at: z.string().max(64).optional(),
});

function badToken(message: string): never {
  throw new EnclaveError('invalid-arguments', message);
}

/** The parts of an `incus config trust add` token, or a specific reason it is not one. */
export function decodeTrustToken(text: string, now = new Date()): TrustToken {
  const t = text.trim();
  if (t.length === 0) badToken(`The trust token is empty. ${MAKE_ONE}`);
  if (t.length > 4096) badToken('A trust token is at most 4096 characters; this is not one.');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) badToken('The trust token is not base64 text: copy it whole, exactly as `incus config trust add` printed it.');
  const json = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    badToken('The trust token is base64 but does not decode to a token (JSON): it may be cut short. Copy it whole.');
  }
  const parsed = tokenSchema.safeParse(raw);
  if (!parsed.success || typeof raw !== 'object' || raw === null || Array.isArray(raw)) badToken('The trust token decodes, but not to the fields a trust token has.');
  const tok = parsed.data;
  if ('server_name' in raw && tok.client_name === undefined) {
    badToken('This is a cluster join token (from `incus cluster add`), not a trust token for a client. ' + MAKE_ONE);
  }
  if (!tok.secret) badToken(`The trust token has no secret in it. ${MAKE_ONE}`);
  const fingerprint = (tok.fingerprint ?? '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) badToken(`The trust token has no valid server certificate fingerprint, so Enclave cannot know it talks to the right server. ${MAKE_ONE}`);
  let expiresAt: string | null = null;
  if (tok.expires_at !== undefined) {
    const at = new Date(tok.expires_at);
    if (Number.isNaN(at.getTime())) badToken(`The trust token's expiry "${tok.expires_at.slice(0, 40)}" is not a date.`);
    // Go's zero time ("0001-01-01T00:00:00Z") means the token does not expire.
    if (at.getUTCFullYear() > 1) {
      if (at.getTime() <= now.getTime()) badToken(`The trust token expired at ${at.toISOString()}. ${MAKE_ONE}`);
      expiresAt = at.toISOString();
    }
  }
  return { clientName: tok.client_name ?? '', fingerprint, addresses: tok.addresses ?? [], secret: tok.secret, expiresAt };
}

/**
 * The certificate the server presents, read over a TLS connection that verifies nothing and
 * sends nothing: it only shows the user what to confirm. Everything after is pinned to it.
 */
export function peerCertificate(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<string> {
  const where = formatAddress(host, port);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ServerProblem('not-responding', `${where} did not complete a TLS handshake within ${Math.round(timeoutMs / 1000)} s: is it the Incus HTTPS port?`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate(false).raw as Buffer | undefined;
      socket.destroy();
      if (!raw || raw.length === 0) reject(new ServerProblem('not-incus', `${where} completed TLS without presenting a certificate; that is not an Incus server.`));
      else resolve(derToPem(raw));
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(networkProblem(err, where, timeoutMs));
    });
  });
}

const serverSchema = z.object({
  type: z.literal('sync'),
  metadata: z.object({
    api_version: z.string(),
    auth: z.enum(['trusted', 'untrusted']),
    environment: z.object({ server_name: z.string().max(256).optional() }).partial().nullish(),
  }),
});

export interface ServerAuth {
  auth: 'trusted' | 'untrusted';
  serverName: string | null;
}

/** GET /1.0 as the endpoint's client: whether the server trusts it, and the server's name. */
export async function readServerAuth(endpoint: HttpsEndpoint, timeoutMs = PROBE_TIMEOUT_MS): Promise<ServerAuth> {
  const reply = await httpsJson(endpoint, 'GET', '/1.0', { timeoutMs });
  const parsed = serverSchema.safeParse(reply.body);
  if (reply.status !== 200 || !parsed.success) {
    throw new ServerProblem('not-incus', `${formatAddress(endpoint.host, endpoint.port)} answers TLS, but its /1.0 is not an Incus server's (HTTP ${reply.status}).`);
  }
  return { auth: parsed.data.metadata.auth, serverName: parsed.data.metadata.environment?.server_name ?? null };
}

export interface ProbeResult {
  probe: ServerProbe;
  /** The certificate the probe saw; pin exactly this one. */
  serverCertPem: string;
}

/**
 * First contact: the server's certificate (fingerprint, subject, expiry) and whether it trusts
 * `client`, whose certificate is presented (it is public; the key never leaves this machine).
 */
export async function probeServer(address: string, client: TlsIdentity, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const { host, port, address: normalised } = normaliseAddress(address);
  const serverCertPem = await peerCertificate(host, port, timeoutMs);
  const cert = new X509Certificate(serverCertPem);
  const { auth, serverName } = await readServerAuth({ kind: 'https', host, port, serverCertPem, client }, timeoutMs);
  return {
    probe: {
      address: normalised,
      fingerprint: certFingerprint(serverCertPem),
      subject: cert.subject.replace(/\n/g, ', '),
      notAfter: new Date(cert.validTo).toISOString(),
      auth,
      serverName,
    },
    serverCertPem,
  };
}

const errorSchema = z.object({ error: z.string().max(2000).optional() }).passthrough();

/**
 * Has the server trust the endpoint's client certificate with a trust token (POST
 * /1.0/certificates with `trust_token`, as the incus CLI's `remote add --token` does; the
 * server takes name, type and projects from the token). Refused before anything is sent when
 * the endpoint is not pinned to the certificate the token names; the pinned TLS then refuses
 * any server presenting another one, before the request leaves.
 */
export async function joinWithToken(endpoint: HttpsEndpoint, tokenText: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const token = decodeTrustToken(tokenText);
  const pinned = certFingerprint(endpoint.serverCertPem);
  if (pinned !== token.fingerprint) {
    throw new ServerProblem(
      'certificate-changed',
      `The trust token was made by a server whose certificate fingerprint is ${token.fingerprint.slice(0, 16)}…, but ${formatAddress(endpoint.host, endpoint.port)} presents ${pinned.slice(0, 16)}…. Enclave did not send the token. Check the address, or make the token on this server.`,
    );
  }
  const reply = await httpsJson(endpoint, 'POST', '/1.0/certificates', { body: { type: 'client', trust_token: tokenText.trim() }, timeoutMs });
  if (reply.status >= 200 && reply.status < 300) return;
  const said = errorSchema.safeParse(reply.body);
  const error = said.success ? (said.data.error ?? '') : '';
  if (/already trusted/i.test(error)) return;
  if (/expired/i.test(error)) throw new EnclaveError('invalid-arguments', `The server says the trust token has expired. ${MAKE_ONE}`);
  if (reply.status === 403) {
    throw new EnclaveError(
      'invalid-arguments',
      `The server did not accept the trust token: it was already used (each token works once), revoked, or is not one this server issued. ${MAKE_ONE}`,
    );
  }
  throw new ServerProblem('error', `The server refused to trust Enclave's certificate: ${error || `HTTP ${reply.status}`}`, 'incus', reply.status);
}
