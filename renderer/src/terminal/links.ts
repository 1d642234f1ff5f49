/**
 * Links in terminal output come from programs, so from anyone: only http(s) URLs open, only on
 * a deliberate Ctrl/Cmd+click, and in a new window without opener or referrer (Electron's main
 * process sends window.open to the system browser).
 */

export const MAX_LINK_LENGTH = 4096;

/** The URL to open, normalized, or null when it is not a plain http(s) URL. */
export function openableUrl(text: string): string | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_LINK_LENGTH) return null;
  // Control characters or whitespace never belong in a link we open.
  if (hasSpaceOrControl(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  // https://github.com@evil.example is a classic disguise: refuse links carrying credentials.
  if (url.username || url.password) return null;
  return url.href;
}

function hasSpaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) return true;
    if (/\s/.test(text[i] as string)) return true;
  }
  return false;
}

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
