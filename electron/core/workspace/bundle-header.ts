/**
 * The header of a git bundle file (v2, or v3 with capabilities): what it needs (prerequisite
 * commits), the refs it carries, and where its pack starts. The file came out of an agent, so
 * it is parsed strictly and within a bound before git on the host ever reads it.
 */
export interface BundleHeader {
  version: 2 | 3;
  prerequisites: string[];
  refs: { sha: string; name: string }[];
  /** Byte offset of the pack that follows the header. */
  packOffset: number;
}

/** A header longer than this is not one Enclave made. */
export const MAX_BUNDLE_HEADER_BYTES = 256 * 1024;

const OID = '(?:[0-9a-f]{40}|[0-9a-f]{64})';
const PREREQ = new RegExp(`^-(${OID})(?: [^\\n]*)?$`);
const REF = new RegExp(`^(${OID}) (refs/[!-~]+)$`);

export class BundleFormatError extends Error {}

export function parseBundleHeader(head: Buffer): BundleHeader {
  const end = head.indexOf('\n\n');
  if (end < 0 || end + 2 > MAX_BUNDLE_HEADER_BYTES) throw new BundleFormatError('the bundle has no header end within its first 256 KiB');
  const lines = head.subarray(0, end).toString('latin1').split('\n');
  const signature = lines.shift();
  const version = signature === '# v2 git bundle' ? 2 : signature === '# v3 git bundle' ? 3 : null;
  if (!version) throw new BundleFormatError('the file is no git bundle (v2 or v3)');
  const prerequisites: string[] = [];
  const refs: { sha: string; name: string }[] = [];
  for (const line of lines) {
    if (version === 3 && line.startsWith('@')) {
      if (line !== '@object-format=sha1' && line !== '@object-format=sha256') throw new BundleFormatError('the bundle needs a capability Enclave does not accept');
      continue;
    }
    const pre = PREREQ.exec(line);
    if (pre?.[1]) {
      if (refs.length) throw new BundleFormatError('a prerequisite after the refs');
      prerequisites.push(pre[1]);
      continue;
    }
    const ref = REF.exec(line);
    if (!ref?.[1] || !ref[2]) throw new BundleFormatError('a header line that is neither a prerequisite nor a ref');
    refs.push({ sha: ref[1], name: ref[2] });
  }
  return { version, prerequisites, refs, packOffset: end + 2 };
}
