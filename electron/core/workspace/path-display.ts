/**
 * A path's exact bytes shown as text: invalid UTF-8 as U+FFFD, control characters as
 * \n-style escapes, so an agent's file name can never break a line or a message it appears in.
 * (The gate's own copy: shared/workspace-paths.ts `displayPath` is the shared one once it lands.)
 */
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function displayPathBytes(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const escape = ESCAPES[ch];
    if (escape !== undefined) out += escape;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
    } else out += ch;
  }
  return out;
}
