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
export function isAppUrl(url: string): boolean {
  throw new Error(`not implemented: ${url}`);
}
