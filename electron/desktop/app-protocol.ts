import { readFile } from 'node:fs/promises';
import { resolveStaticFile, uiResponseHeaders } from '../transport/static-files.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';
import { contentSecurityPolicy } from './content-policy.js';

/**
 * The `app://` protocol handler: serves the built renderer from `rootDir` with the CSP and the
 * security headers on every response, errors included. Only GET and HEAD of
 * `app://enclave/<path>` are answered ("/" is index.html); another host (or a port), any other
 * method, and a path that is malformed, climbs out of rootDir (in any spelling, or through a
 * symlink) or names a directory are refused. Plain Node (a fetch Request in, a Response out),
 * so it is tested without Electron; main.ts passes it to protocol.handle.
 *
 * Files are read whole rather than streamed: inside a packaged app rootDir is in app.asar,
 * where Electron's readFile reads from the archive and checks its integrity hashes, while a
 * read stream would have the file copied out first. The renderer's files are a few MiB.
 */
export function appProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const headers = uiResponseHeaders(contentSecurityPolicy({ connect: 'none' }));

  async function answer(request: Request): Promise<Response> {
    const refuse = (status: number, text: string, extra: Record<string, string> = {}) =>
      new Response(request.method === 'HEAD' ? null : `Enclave: ${text}\n`, {
        status,
        headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', ...extra },
      });
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, `only ${APP_SCHEME}://${APP_HOST}/ is served here`);
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, `${request.method} is not served`, { allow: 'GET, HEAD' });

    // Chromium gives a standard scheme's URL at least "/"; a bare `app://enclave` is the same page.
    const file = await resolveStaticFile(rootDir, url.pathname || '/');
    if (!file.ok) return refuse(file.status, file.status === 404 ? 'not found' : 'bad path');
    const fileHeaders = { ...headers, 'content-type': file.type, 'content-length': String(file.size) };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers: fileHeaders });
    const bytes = await readFile(file.path);
    return new Response(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      status: 200,
      headers: { ...fileHeaders, 'content-length': String(bytes.byteLength) },
    });
  }

  return async (request) => {
    try {
      return await answer(request);
    } catch {
      // A file gone between its check and its read, or unreadable: still an answer with the headers.
      return new Response(null, { status: 500, headers });
    }
  };
}
