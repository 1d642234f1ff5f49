/**
 * Strict parsers for what the agent's git prints to the changes reader. The git binary and
 * the repository are the agent's, so every byte is untrusted: records are taken only in the
 * exact -z shape git gives, object ids and modes are checked, counts and lengths are bounded,
 * and anything else is refused as a whole (an AgentOutputError) rather than half believed.
 */
import { isCommitId, type WorkspaceCommit } from '../../../shared/workspace.js';

/** The agent's git printed something that is not what was asked for. */
export class AgentOutputError extends Error {
  constructor(what: string, detail: string) {
    super(`The agent's git answered ${what} with something else (${detail}); its repository cannot be read.`);
    this.name = 'AgentOutputError';
  }
}

export type RawStatus = 'A' | 'M' | 'D' | 'T' | 'R';

/** One line of `git diff-tree -r -z --raw -M`: a path and its two versions. */
export interface RawEntry {
  status: RawStatus;
  oldMode: string;
  newMode: string;
  /** Blob (or gitlink commit) ids; null where the path is absent on that side. */
  oldBlob: string | null;
  newBlob: string | null;
  /** The path after (for a deletion: the deleted path), exact bytes. */
  path: Buffer;
  /** A rename's old path. */
  from: Buffer | null;
}

export interface LineCounts {
  /** Null when git says the file is binary. */
  additions: number | null;
  deletions: number | null;
  binary: boolean;
}

export interface ParsedDiff {
  entries: RawEntry[];
  /** --numstat's counts by the entry's path (latin1 of its bytes, an exact key). */
  counts: Map<string, LineCounts>;
  /** False when the output was cut (the exec's output cap): the entries are the first ones. */
  complete: boolean;
}

/** git's modes in a recursive tree diff: absent, file, executable, symlink, gitlink. */
const MODES = new Set(['000000', '100644', '100755', '120000', '160000']);
export const ABSENT_MODE = '000000';
export const GITLINK_MODE = '160000';
const MAX_PATH_BYTES = 4096;
const MAX_FIELD_BYTES = MAX_PATH_BYTES + 200;
/** More lines than any file can have that a diff could count in its time bounds. */
const MAX_COUNT = 1e12;

const RAW_HEADER = /^:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) ([AMDTR])(\d{0,3})$/;
const ZERO = /^0+$/;

/** The key a path has in maps: its bytes one to one as latin1, so no two paths share one. */
export function pathKey(path: Uint8Array): string {
  return Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('latin1');
}

/**
 * Splits -z output into its NUL-terminated fields. Output that was cut may end inside a
 * field, which is dropped; output that was not cut must end with a NUL.
 */
export function nulFields(out: Buffer, cut: boolean, what: string): Buffer[] {
  const fields: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = out.indexOf(0, start);
    if (end < 0) break;
    fields.push(out.subarray(start, end));
    start = end + 1;
  }
  if (start < out.length && !cut) throw new AgentOutputError(what, 'output that does not end with a NUL');
  // Cut output ends inside a field, but never one longer than the longest a record has (a path and its counts).
  if (out.length - start > MAX_FIELD_BYTES) throw new AgentOutputError(what, `${out.length - start} bytes without a NUL`);
  return fields;
}

function checkPath(path: Buffer, what: string): Buffer {
  if (path.length === 0) throw new AgentOutputError(what, 'an empty path');
  if (path.length > MAX_PATH_BYTES) throw new AgentOutputError(what, `a path of ${path.length} bytes`);
  return path;
}

function count(text: string, what: string): number | null {
  if (text === '-') return null;
  if (!/^\d{1,13}$/.test(text) || Number(text) > MAX_COUNT) throw new AgentOutputError(what, `a line count "${text.slice(0, 20)}"`);
  return Number(text);
}

type RawHeader = [string, string, string, string, string, RawStatus, string];

function rawHeader(field: Buffer, what: string): RawHeader {
  const m = RAW_HEADER.exec(field.toString('latin1'));
  if (!m) throw new AgentOutputError(what, 'a line that is not a raw diff record');
  return m as unknown as RawHeader;
}

function rawEntry(header: RawHeader, paths: Buffer[], what: string): RawEntry {
  const [, oldMode, newMode, oldSha, newSha, status, score] = header;
  if (!MODES.has(oldMode) || !MODES.has(newMode)) throw new AgentOutputError(what, `a file mode ${oldMode}/${newMode}`);
  if (oldSha.length !== newSha.length) throw new AgentOutputError(what, 'object ids of two lengths');
  if (status === 'R' ? !score : score) throw new AgentOutputError(what, 'a rename score on a record that is no rename');
  const oldAbsent = oldMode === ABSENT_MODE;
  const newAbsent = newMode === ABSENT_MODE;
  if (oldAbsent !== ZERO.test(oldSha) || newAbsent !== ZERO.test(newSha)) throw new AgentOutputError(what, 'an object id that does not fit its mode');
  if (oldAbsent !== (status === 'A') || newAbsent !== (status === 'D')) throw new AgentOutputError(what, `a status ${status} with modes ${oldMode}/${newMode}`);
  const path = checkPath(paths[paths.length - 1] as Buffer, what);
  return {
    status,
    oldMode,
    newMode,
    oldBlob: oldAbsent ? null : oldSha,
    newBlob: newAbsent ? null : newSha,
    path,
    from: status === 'R' ? checkPath(paths[0] as Buffer, what) : null,
  };
}

/**
 * Parses `git diff-tree -r -z -M --raw [--numstat]`: all raw records (":modes ids status",
 * then one path, two for a rename), then the numstat records ("adds\tdels\tpath", or
 * "adds\tdels\t" then both paths of a rename). `cut`: the exec stopped the output at its cap,
 * so the last record may be partial (it is dropped and the result marked incomplete).
 */
export function parseDiffTree(out: Buffer, cut: boolean, what = 'a changes list'): ParsedDiff {
  const fields = nulFields(out, cut, what);
  const entries: RawEntry[] = [];
  const counts = new Map<string, LineCounts>();
  const keys = new Set<string>();
  let i = 0;
  let complete = !cut;
  // Raw records.
  while (i < fields.length && (fields[i] as Buffer)[0] === 0x3a /* ':' */) {
    const header = rawHeader(fields[i] as Buffer, what);
    const paths = header[5] === 'R' ? 2 : 1;
    if (i + paths >= fields.length) {
      if (!cut) throw new AgentOutputError(what, 'a record without its path');
      complete = false;
      i = fields.length;
      break;
    }
    const entry = rawEntry(header, fields.slice(i + 1, i + 1 + paths), what);
    const key = pathKey(entry.path);
    if (keys.has(key)) throw new AgentOutputError(what, 'one path listed twice');
    keys.add(key);
    entries.push(entry);
    i += 1 + paths;
  }
  // Numstat records, one per raw record at most, each naming a listed path.
  while (i < fields.length) {
    const field = fields[i] as Buffer;
    const tab1 = field.indexOf(0x09);
    const tab2 = tab1 < 0 ? -1 : field.indexOf(0x09, tab1 + 1);
    if (tab2 < 0) throw new AgentOutputError(what, 'a line that is neither a raw nor a numstat record');
    const additions = count(field.subarray(0, tab1).toString('latin1'), what);
    const deletions = count(field.subarray(tab1 + 1, tab2).toString('latin1'), what);
    if ((additions === null) !== (deletions === null)) throw new AgentOutputError(what, 'a binary mark on one side only');
    let path: Buffer;
    if (tab2 === field.length - 1) {
      // A rename: both paths follow.
      if (i + 2 >= fields.length) {
        if (!cut) throw new AgentOutputError(what, 'a rename without its paths');
        complete = false;
        break;
      }
      path = checkPath(fields[i + 2] as Buffer, what);
      i += 3;
    } else {
      path = checkPath(field.subarray(tab2 + 1), what);
      i += 1;
    }
    const key = pathKey(path);
    if (!keys.has(key) || counts.has(key)) throw new AgentOutputError(what, 'line counts for a path the list does not hold');
    counts.set(key, { additions, deletions, binary: additions === null });
  }
  return { entries, counts, complete };
}

/** C0 and C1 controls, DEL, bidirectional overrides and isolates: never shown from an agent. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/** An agent's words for one line: UTF-8 (invalid bytes as U+FFFD), controls as a space, at most `max` characters. */
export function oneLine(raw: Buffer, max: number): string {
  const text = raw.subarray(0, max * 4).toString('utf8').replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export const MAX_COMMITS = 200;
export const MAX_SUBJECT_CHARS = 200;
const MAX_AUTHOR_CHARS = 100;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

/** The format the reader asks `git log -z` for: id, author date, author, subject (both cut by git too). */
export const LOG_FORMAT = `--format=%H%x00%aI%x00%<(${MAX_AUTHOR_CHARS},trunc)%an%x00%<(${MAX_SUBJECT_CHARS},trunc)%s`;

/** Parses `git log -z` with LOG_FORMAT: four fields per commit, each commit ended by a NUL. */
export function parseLog(out: Buffer, what = 'the list of commits'): WorkspaceCommit[] {
  const fields = nulFields(out, false, what);
  if (fields.length % 4 !== 0) throw new AgentOutputError(what, `${fields.length} fields, not four per commit`);
  const commits: WorkspaceCommit[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < fields.length && commits.length < MAX_COMMITS; i += 4) {
    const sha = (fields[i] as Buffer).toString('latin1');
    const at = (fields[i + 1] as Buffer).toString('latin1');
    if (!isCommitId(sha)) throw new AgentOutputError(what, 'a commit id that is not one');
    if (!ISO_DATE.test(at) || Number.isNaN(Date.parse(at))) throw new AgentOutputError(what, 'a date that is not one');
    if (seen.has(sha)) throw new AgentOutputError(what, 'one commit listed twice');
    seen.add(sha);
    commits.push({
      sha,
      at,
      author: oneLine(fields[i + 2] as Buffer, MAX_AUTHOR_CHARS),
      subject: oneLine(fields[i + 3] as Buffer, MAX_SUBJECT_CHARS),
    });
  }
  return commits;
}

export interface ObjectInfo {
  id: string;
  /** Null when the repository has no such object. */
  type: 'blob' | 'tree' | 'commit' | 'tag' | null;
  size: number;
}

const CHECK_LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) (?:(missing)|(blob|tree|commit|tag) (\d{1,15}))$/;

/** Parses `git cat-file --batch-check` for exactly the ids asked, in their order. */
export function parseBatchCheck(out: Buffer, ids: readonly string[], what = 'a question about files'): ObjectInfo[] {
  const text = out.toString('latin1');
  if (!text.endsWith('\n') && ids.length) throw new AgentOutputError(what, 'output that does not end with a newline');
  const lines = text.split('\n').slice(0, -1);
  if (lines.length !== ids.length) throw new AgentOutputError(what, `${lines.length} answers to ${ids.length} questions`);
  return lines.map((line, n) => {
    const m = CHECK_LINE.exec(line);
    if (!m || m[1] !== ids[n]) throw new AgentOutputError(what, 'an answer about another object');
    return { id: m[1] as string, type: m[2] ? null : (m[3] as ObjectInfo['type']), size: m[2] ? 0 : Number(m[4]) };
  });
}

const BATCH_HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) blob (\d{1,15})$/;

/** Parses `git cat-file --batch` for exactly the blob ids asked: a header, the content, a newline each. */
export function parseBatch(out: Buffer, ids: readonly string[], maxBytes: number, what = 'the contents of files'): Buffer[] {
  const contents: Buffer[] = [];
  let at = 0;
  for (const id of ids) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0 || nl - at > 100) throw new AgentOutputError(what, 'a missing header');
    const m = BATCH_HEADER.exec(out.subarray(at, nl).toString('latin1'));
    if (!m || m[1] !== id) throw new AgentOutputError(what, 'a header for another object');
    const size = Number(m[2]);
    if (size > maxBytes) throw new AgentOutputError(what, `a file of ${size} bytes where at most ${maxBytes} were asked for`);
    const end = nl + 1 + size;
    if (end >= out.length || out[end] !== 0x0a) throw new AgentOutputError(what, 'content of another length than its header says');
    contents.push(out.subarray(nl + 1, end));
    at = end + 1;
  }
  if (at !== out.length) throw new AgentOutputError(what, 'more than was asked for');
  return contents;
}
