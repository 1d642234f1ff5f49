import { isAppUrl } from './app-origin.js';

/**
 * Permission decisions for the app's session: only the app's own page (its exact origin, main
 * frame) gets the few permissions the UI uses (clipboard read for the terminal's paste, sanitized
 * write for OSC 52 and the Copy buttons); everything else, from anyone, is refused. Without
 * these handlers Electron grants every request.
 */
export interface PermissionHandlers {
  /** For session.setPermissionRequestHandler. */
  request(contents: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; isMainFrame?: boolean }): void;
  /** For session.setPermissionCheckHandler. */
  check(contents: { getURL(): string } | null, permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame?: boolean }): boolean;
  /** For session.setDevicePermissionHandler: no HID, serial or USB device, ever. */
  device(details: { deviceType: string; origin: string }): boolean;
}

export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export function permissionHandlers(): PermissionHandlers {
  return {
    request: (contents, permission, callback, details) => {
      let granted = false;
      try {
        granted = GRANTED_PERMISSIONS.has(permission) && fromAppMainFrame(contents, details) && isAppUrl(details.requestingUrl);
      } finally {
        callback(granted);
      }
    },
    check: (contents, permission, requestingOrigin, details) =>
      GRANTED_PERMISSIONS.has(permission) &&
      fromAppMainFrame(contents, details) &&
      isAppUrl(requestingOrigin) &&
      // Electron leaves it out when no frame asked (a worker): then the origin is all there is.
      (details?.requestingUrl === undefined || isAppUrl(details.requestingUrl)),
    device: () => false,
  };
}

function fromAppMainFrame(contents: { getURL(): string } | null, details: { isMainFrame?: boolean } | undefined): boolean {
  return details?.isMainFrame === true && contents !== null && typeof contents?.getURL === 'function' && isAppUrl(contents.getURL());
}
