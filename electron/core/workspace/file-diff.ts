/**
 * The two versions of one file as the diff viewer shows them, read by blob id from inside
 * the agent (never by path: a name may hold a newline, and `cat-file --batch` is line-based).
 * Each side is cut at MAX_DIFF_SIDE_BYTES; binary content is named, never sent as text.
 */
import { EnclaveError } from '../../../shared/errors.js';
import { MAX_DIFF_SIDE_BYTES, type FileSide } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { agentGit, parsed } from './agent-git.js';
import { GITLINK_MODE, parseBatch, parseBatchCheck } from './change-parse.js';
import type { Version } from './versions.js';
import type { GitEnv } from './work-state.js';

const BLOB_TIMEOUT_MS = 30_000;
/** Git's own test: a NUL in the first 8 KiB makes a file binary. */
const BINARY_PROBE_BYTES = 8000;

export interface SideRequest {
  version: Version;
  /** The changes list (numstat) already called it binary. */
  binary: boolean;
}

export const ABSENT: FileSide = { text: null, exists: false, binary: false, sizeBytes: 0, truncated: false };

/** Cuts at a whole UTF-8 character, so a cut side does not end in U+FFFD. */
export function wholeChars(bytes: Buffer): Buffer {
  // The start of the last character: back over its continuation bytes (at most 3).
  let start = bytes.length - 1;
  while (start > 0 && bytes.length - start < 4 && ((bytes[start] as number) & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  if (lead === undefined) return bytes;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < need ? bytes.subarray(0, start) : bytes;
}

export function sideOf(content: Buffer, size: number, binaryHint: boolean): FileSide {
  const truncated = size > content.length;
  const binary = binaryHint || content.subarray(0, BINARY_PROBE_BYTES).includes(0);
  return {
    text: binary ? null : (truncated ? wholeChars(content) : content).toString('utf8'),
    exists: true,
    binary,
    sizeBytes: size,
    truncated,
  };
}

/** Reads each requested side from the agent's repository: sizes first, small blobs in one batch, a big one alone and cut. `env`: reviewGitEnv of its workspace. */
export async function readSides(client: IncusClient, agent: string, requests: readonly SideRequest[], env: GitEnv = {}): Promise<FileSide[]> {
  const blobs = [...new Set(requests.flatMap((r) => (r.version && r.version.mode !== GITLINK_MODE ? [r.version.blob] : [])))];
  const found = new Map<string, { size: number; content: Buffer }>();
  if (blobs.length) {
    const checked = await agentGit(client, agent, ['cat-file', '--batch-check'], {
      what: 'the sizes of a file',
        env,
      timeoutMs: BLOB_TIMEOUT_MS,
      maxOutputBytes: 4096,
      stdin: Buffer.from(blobs.map((id) => `${id}\n`).join('')),
    });
    const infos = parsed(agent, () => parseBatchCheck(checked.stdout, blobs));
    for (const info of infos) {
      if (info.type !== 'blob') {
        throw new EnclaveError('unavailable', `${agent}'s repository has no file ${info.id.slice(0, 12)}, which its own changes list named.`);
      }
    }
    const small = infos.filter((i) => i.size <= MAX_DIFF_SIDE_BYTES);
    if (small.length) {
      const out = await agentGit(client, agent, ['cat-file', '--batch'], {
        what: 'a changed file',
        env,
        timeoutMs: BLOB_TIMEOUT_MS,
        maxOutputBytes: small.reduce((n, i) => n + i.size + 100, 0),
        stdin: Buffer.from(small.map((i) => `${i.id}\n`).join('')),
      });
      const contents = parsed(agent, () => parseBatch(out.stdout, small.map((i) => i.id), MAX_DIFF_SIDE_BYTES));
      small.forEach((info, n) => found.set(info.id, { size: info.size, content: contents[n] as Buffer }));
    }
    for (const info of infos.filter((i) => i.size > MAX_DIFF_SIDE_BYTES)) {
      const out = await agentGit(client, agent, ['cat-file', 'blob', info.id], {
        what: 'a large changed file',
        env,
        timeoutMs: BLOB_TIMEOUT_MS,
        maxOutputBytes: MAX_DIFF_SIDE_BYTES,
        head: MAX_DIFF_SIDE_BYTES,
        keepCut: true,
      });
      found.set(info.id, { size: info.size, content: out.stdout.subarray(0, MAX_DIFF_SIDE_BYTES) });
    }
  }
  return requests.map(({ version, binary }) => {
    if (!version) return ABSENT;
    if (version.mode === GITLINK_MODE) {
      return { text: `Subproject commit ${version.blob}\n`, exists: true, binary: false, sizeBytes: 0, truncated: false };
    }
    const blob = found.get(version.blob) as { size: number; content: Buffer };
    return sideOf(blob.content, blob.size, binary);
  });
}
