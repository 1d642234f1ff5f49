/**
 * File names inside a workspace are bytes (git keeps whatever the agent wrote: newlines,
 * invalid UTF-8). They cross the contract as WorkspacePath: a text to show and an id that
 * holds the exact bytes.
 */
import { pathIdProblem, type WorkspacePath } from './workspace.js';

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** C0 and C1 controls, DEL, and the bidirectional overrides and isolates (they make a name read as another). */
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const named = ESCAPES[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A path for showing: invalid UTF-8 as U+FFFD, control characters as \n-style escapes. */
export function displayPath(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(UNSHOWN, escape);
}

/** The id that names a path's exact bytes (base64). */
export function pathId(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The exact bytes an id names (works in the renderer too: no Buffer); throws on anything pathId could not have made. */
export function pathBytes(id: string): Uint8Array {
  const problem = pathIdProblem(id);
  if (problem) throw new RangeError(problem);
  const binary = atob(id);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // atob ignores stray bits in the last character: only the canonical spelling names a path.
  if (pathId(bytes) !== id || bytes.length === 0) throw new RangeError('A file is named by the id the changes list gave (base64).');
  return bytes;
}

/** Both forms of a path at once. */
export function workspacePath(bytes: Uint8Array): WorkspacePath {
  return { path: displayPath(bytes), id: pathId(bytes) };
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Whether a name cannot be shown as it is: not UTF-8, or with characters displayPath escapes. */
export function isOddName(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return true;
  }
  UNSHOWN.lastIndex = 0;
  return UNSHOWN.test(text);
}

/** Splits NUL-terminated records (git's -z output) into their bytes; a last record without its NUL is kept too. */
export function splitNul<T extends Uint8Array>(data: T): T[] {
  const out: T[] = [];
  let start = 0;
  for (;;) {
    const end = data.indexOf(0, start);
    if (end < 0) break;
    out.push(data.subarray(start, end) as T);
    start = end + 1;
  }
  if (start < data.length) out.push(data.subarray(start) as T);
  return out;
}
