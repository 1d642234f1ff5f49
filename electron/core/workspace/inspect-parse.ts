import { splitNul } from '../../../shared/workspace-paths.js';

/** One entry of `git status --porcelain -z` (v1): its two status letters and path bytes. */
export interface StatusEntry {
  x: string;
  y: string;
  path: Buffer;
}

/** Parses `git status --porcelain -z`; a rename or copy carries its old path as the next record (skipped). */
export function parseStatusZ(out: Buffer): StatusEntry[] {
  const records = splitNul(out);
  const entries: StatusEntry[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Buffer;
    if (r.length < 4 || r[2] !== 0x20) continue;
    const x = String.fromCharCode(r[0] as number);
    const y = String.fromCharCode(r[1] as number);
    entries.push({ x, y, path: r.subarray(3) });
    if (x === 'R' || x === 'C') i++;
  }
  return entries;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'commit' | 'tree';
  /** Bytes of a blob; 0 for a gitlink. */
  size: number;
  path: Buffer;
}

/** Parses `git ls-tree -r -z --long`: "<mode> <type> <object> <size>\t<path>". */
export function parseLsTreeZ(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const r of splitNul(out)) {
    const tab = r.indexOf(0x09);
    if (tab < 0) continue;
    const m = /^(\d{6}) (blob|commit|tree) [0-9a-f]{40,64} +(\d+|-)$/.exec(r.subarray(0, tab).toString('latin1'));
    if (!m?.[1] || !m[2] || !m[3]) continue;
    entries.push({ mode: m[1], type: m[2] as TreeEntry['type'], size: m[3] === '-' ? 0 : Number(m[3]), path: r.subarray(tab + 1) });
  }
  return entries;
}

/** Bytes of the object store from `git count-objects -v` (size: loose, size-pack: packs, both KiB; garbage too). */
export function parseCountObjects(text: string): number {
  let kib = 0;
  for (const line of text.split('\n')) {
    const m = /^(size|size-pack|size-garbage): (\d+)$/.exec(line.trim());
    if (m?.[2]) kib += Number(m[2]);
  }
  return kib * 1024;
}

/**
 * What a copy needs on the agent's disk beyond its own bytes. The root disk's quota counts the
 * image's files too: enclave-agent uses 268 MiB (du -sx / in a fresh agent; df says 2.6 GiB
 * of the loop pool, but that is the pool's, not the quota's), rounded up to 320 MiB for
 * logs and apt lists an agent grows. Each file also costs about 3.5 KiB over its size on btrfs
 * (20,000 files of 533 MB took 605 MB): 4 KiB per file.
 */
export const IMAGE_MARGIN_BYTES = 320 * 1024 * 1024;
export const PER_FILE_BYTES = 4 * 1024;

export function neededBytes(sizeBytes: number, fileCount: number): number {
  return sizeBytes + IMAGE_MARGIN_BYTES + fileCount * PER_FILE_BYTES;
}

/** Whether a symlink at `linkPath` (relative to the project) with `target` points outside the project. */
export function linksOutside(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return true;
  // Walked by hand: normalize() would stop at the root and hide a climb out of it.
  let depth = linkPath.split('/').filter(Boolean).length - 1;
  for (const part of target.split('/')) {
    if (part === '..') depth--;
    else if (part && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** Whether .gitattributes text routes any path through LFS. */
export function usesLfs(attributes: string): boolean {
  return attributes.split('\n').some((line) => !line.trim().startsWith('#') && /(?:^|\s)filter=lfs(?:\s|$)/.test(line));
}

/** An LFS pointer file's first line. */
export const LFS_POINTER_START = 'version https://git-lfs.github.com/spec/v1';

/** "1.2 GiB", "300 MB"-style sizes for messages (binary units, one decimal). */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} bytes` : `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[u]}`;
}
