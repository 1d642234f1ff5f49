/**
 * Links in terminal output come from programs, so from anyone: only http(s) URLs open, only on
 * a deliberate Ctrl/Cmd+click, and in a new window without opener or referrer (Electron's main
 * process sends window.open to the system browser).
 */

import { openableUrl } from '../../../shared/openable-url.js';

export interface ClickModifiers {
  ctrlKey: boolean;
  metaKey: boolean;
  button?: number;
}

/** Ctrl+click (Cmd+click on macOS) with the main button: a plain click only selects text. */
export function isDeliberateClick(event: ClickModifiers, isMac: boolean): boolean {
  if (event.button !== undefined && event.button !== 0) return false;
  return isMac ? event.metaKey : event.ctrlKey;
}

export const isMacPlatform: boolean =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');

/** Opens `uri` if it is an http(s) URL and the click was deliberate; says whether it did. */
export function openLink(event: ClickModifiers, uri: string, isMac: boolean = isMacPlatform): boolean {
  if (!isDeliberateClick(event, isMac)) return false;
  const url = openableUrl(uri);
  if (!url) return false;
  window.open(url, '_blank', 'noopener,noreferrer');
  return true;
}

export function linkHint(isMac: boolean = isMacPlatform): string {
  return isMac ? 'Cmd+click to open' : 'Ctrl+click to open';
}
