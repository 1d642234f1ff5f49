/**
 * Permission decisions for the app's session: only the app's own page (its exact origin, main
 * frame) gets the few permissions the UI uses (clipboard read and sanitized write); everything
 * else, from anyone, is refused.
 */
export interface PermissionHandlers {
  request(contents: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; isMainFrame?: boolean }): void;
  check(contents: { getURL(): string } | null, permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame?: boolean }): boolean;
}

export function permissionHandlers(): PermissionHandlers {
  throw new Error('not implemented');
}
