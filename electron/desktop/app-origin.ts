/**
 * The desktop app's own origin. The UI is served from `app://enclave/` (a privileged, standard,
 * secure scheme), so every check compares against this one exact origin, never "any file://".
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'enclave';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

/** True when `url` is on the app's origin exactly (scheme and host; no port, no credentials). */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // `host` carries the port, so app://enclave:1/ is not the app; a non-special scheme's host is
  // kept as written (no case folding, no percent-decoding), so only the exact spelling passes.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}
