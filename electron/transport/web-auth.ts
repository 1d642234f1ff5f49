import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../../shared/wire.js';

/**
 * The cookie carrying the token, named after the port: cookies are not kept apart by port, so
 * one name would be sent to every other server on 127.0.0.1.
 */
export function tokenCookie(port: number): string {
  return `enclave_token_${port}`;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: 400 | 401 | 403; reason: string };

/** The request's URL, or null when its target cannot be parsed (e.g. `GET http://[ HTTP/1.1`). */
export function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    return null;
  }
}

/**
 * Browser-mode access rule: the request must name this server as its Host (no DNS
 * rebinding), come from no Origin or this server's own, and carry the access token in the
 * query or the cookie set when the page was first opened with it.
 */
export function checkRequest(req: IncomingMessage, token: string, port: number): Verdict {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return { ok: false, status: 403, reason: `Host "${host}" is not this server.` };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^https?:\/\//, ''))) {
    return { ok: false, status: 403, reason: `Origin "${origin}" may not use this server.` };
  }
  const url = requestUrl(req);
  if (!url) return { ok: false, status: 400, reason: 'Malformed request target.' };
  if (sameToken(url.searchParams.get(TOKEN_PARAM), token)) return { ok: true, viaQuery: true };
  if (sameToken(cookieToken(req.headers.cookie, tokenCookie(port)), token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'Missing or wrong access token: open the URL that `npm run serve` printed.' };
}
