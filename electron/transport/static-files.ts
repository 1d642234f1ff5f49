import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/**
 * The built renderer's files as both the desktop app (app://) and browser mode (http) serve
 * them: their content types, and which file a URL's path names, if any.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** A file's content type by its extension; unknown ones are bytes (sent with nosniff, so never run). */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticFile =
  | { ok: true; path: string; size: number; type: string }
  /** 400: the path cannot name a file (malformed, or spelled to climb out); 404: no such file in the folder. */
  | { ok: false; status: 400 | 404; reason: string };

const ENCODED = /%[0-9a-f]{2}/i;

/**
 * The file a URL path names inside `root`, or why none. `pathname` is the path as it came in
 * the URL, still percent-encoded. Each segment is decoded on its own, so an encoded `/` or `\`
 * cannot join two segments into a climb; dot segments, empty segments, NUL, backslashes and
 * anything still encoded after one decoding are refused. The resolved path is then compared by
 * its real path (symlinks followed) with root's real path, so a link pointing outside serves
 * nothing. Directories are not files. "/" is index.html.
 */
export async function resolveStaticFile(root: string, pathname: string): Promise<StaticFile> {
  if (!pathname.startsWith('/')) return refuse(400, 'the path does not start with /');
  const raw = pathname === '/' ? ['index.html'] : pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (segment === '' || segment === '.' || segment === '..') return refuse(400, 'empty or dot segment');
    if (/[/\\\0]/.test(segment)) return refuse(400, 'separator or NUL inside a segment');
    if (ENCODED.test(segment)) return refuse(400, 'encoded twice');
    segments.push(segment);
  }

  let base: string;
  let real: string;
  try {
    base = await realpath(root);
    real = await realpath(join(base, ...segments));
  } catch {
    return refuse(404, 'no such file');
  }
  if (!real.startsWith(base + sep)) return refuse(404, 'outside the folder');
  try {
    const info = await stat(real);
    if (!info.isFile()) return refuse(404, 'not a file');
    return { ok: true, path: real, size: info.size, type: contentType(real) };
  } catch {
    return refuse(404, 'no such file');
  }
}

function refuse(status: 400 | 404, reason: string): StaticFile {
  return { ok: false, status, reason };
}

/**
 * Headers for every response of the UI's origin, errors included: its CSP, no sniffing, no
 * referrer, a browsing context group of its own, its files for itself only, never cached.
 */
export function uiResponseHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}
