/** The most of an agent's own output Enclave shows in one place. */
export const AGENT_OUTPUT_CHARS = 500;

/**
 * C0 and C1 control characters but newline and tab, DEL, and the bidirectional overrides and
 * isolates (which can make quoted text read as something else).
 */
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from inside an agent (a command's stderr, say), made fit to show as the
 * agent's quoted output, never as Enclave's words: decoded as UTF-8, control characters
 * dropped, trimmed and cut to `max` characters (an ellipsis marks the cut). Null when nothing
 * printable is left.
 */
export function agentOutputText(raw: Buffer | string, max = AGENT_OUTPUT_CHARS): string | null {
  // Decode only what can be shown: a flood is never turned into a string whole.
  const head = typeof raw === 'string' ? raw.slice(0, max * 4) : raw.subarray(0, max * 4).toString('utf8');
  const text = head.replace(/\r\n?/g, '\n').replace(UNSHOWN, '').trim();
  if (!text) return null;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
