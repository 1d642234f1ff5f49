/**
 * Which links Enclave opens in the system browser, on both sides: the renderer's terminal
 * links and the main process's shell.openExternal. Only plain http(s) URLs with a host, no
 * credentials, no whitespace or control characters, bounded in length.
 */

export const MAX_LINK_LENGTH = 4096;

/** The URL to open, normalized (IDN hosts as punycode), or null when it is not a plain http(s) URL. */
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
  // Normalizing can lengthen it (percent-encoding): the bound holds for what is opened.
  if (url.href.length > MAX_LINK_LENGTH) return null;
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
