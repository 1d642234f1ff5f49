import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/types.js';
import type { BroughtBack } from '../../../shared/workspace.js';
import { conflictingFiles } from './apply-patch.js';
import { BundleFormatError, parseBundleHeader } from './bundle-header.js';
import { parseBundleAnswer } from './bundle-out.js';
import { parseCommitted, parseHeadNow } from './commit-inside.js';
import { broughtBackText, gateWorkspace } from './gate.js';
import { broughtBackFiles, parseNameStatus } from './name-status.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('parseNameStatus', () => {
  it('reads statuses, renames and raw bytes', () => {
    const out = Buffer.concat([
      Buffer.from(`A\0new file\0M\0m.txt\0R087\0old.txt\0moved.txt\0D\0gone\0T\0link\0`),
      Buffer.from([0x4d, 0, 0x6e, 0x0a, 0xff, 0]),
    ]);
    const { entries, truncated } = parseNameStatus(out, 100);
    expect(truncated).toBe(false);
    expect(entries.map((e) => [e.status, e.path.toString('latin1'), e.from?.toString() ?? null])).toEqual([
      ['added', 'new file', null],
      ['modified', 'm.txt', null],
      ['renamed', 'moved.txt', 'old.txt'],
      ['deleted', 'gone', null],
      ['type-changed', 'link', null],
      ['modified', 'n\n\xff', null],
    ]);
    expect(broughtBackFiles(entries).at(-1)).toEqual({ path: 'n\\n\ufffd', status: 'modified' });
  });

  it('keeps at most max entries and says so', () => {
    const out = Buffer.from('A\0a\0A\0b\0A\0c\0');
    const r = parseNameStatus(out, 2);
    expect(r.entries.map((e) => e.path.toString())).toEqual(['a', 'b']);
    expect(r.truncated).toBe(true);
  });

  it('refuses what is not name-status output', () => {
    expect(() => parseNameStatus(Buffer.from('X\0a\0'), 10)).toThrow(/unknown status/);
    expect(() => parseNameStatus(Buffer.from('A\0a'), 10)).toThrow(/NUL/);
    expect(() => parseNameStatus(Buffer.from('R100\0a\0'), 10)).toThrow(/ended inside/);
  });
});

describe('parseBundleHeader', () => {
  it('reads prerequisites, the ref and where the pack starts', () => {
    const head = Buffer.from(`# v2 git bundle\n-${A} base subject\n${B} refs/enclave/review\n\nPACK...`);
    const h = parseBundleHeader(head);
    expect(h).toEqual({ version: 2, prerequisites: [A], refs: [{ sha: B, name: 'refs/enclave/review' }], packOffset: head.indexOf('PACK') });
  });

  it('accepts v3 with the object format only', () => {
    expect(parseBundleHeader(Buffer.from(`# v3 git bundle\n@object-format=sha1\n${B} refs/x\n\n`)).version).toBe(3);
    expect(() => parseBundleHeader(Buffer.from(`# v3 git bundle\n@filter=blob:none\n${B} refs/x\n\n`))).toThrow(BundleFormatError);
  });

  it('refuses anything else', () => {
    expect(() => parseBundleHeader(Buffer.from('PACK'))).toThrow(/header end/);
    expect(() => parseBundleHeader(Buffer.from(`# v9 git bundle\n${B} refs/x\n\n`))).toThrow(/no git bundle/);
    expect(() => parseBundleHeader(Buffer.from(`# v2 git bundle\n${B} HEAD\n\n`))).toThrow(/neither/);
    expect(() => parseBundleHeader(Buffer.from(`# v2 git bundle\n${B} refs/x\n-${A}\n\n`))).toThrow(/after the refs/);
    expect(() => parseBundleHeader(Buffer.from(`# v2 git bundle\n${B.slice(1)} refs/x\n\n`))).toThrow(/neither/);
  });
});

describe("the agent's answers", () => {
  it('a commit id and nothing else', () => {
    expect(parseCommitted(`ok ${A}\n`)).toBe(A);
    expect(() => parseCommitted(`ok ${A} extra`)).toThrow(/not a commit id/);
    expect(() => parseCommitted('ok HEAD')).toThrow(/not a commit id/);
  });

  it('HEAD and its tree, or nothing', () => {
    expect(parseHeadNow(`${A}\n${B}\n`)).toEqual({ head: A, tree: B });
    expect(parseHeadNow('')).toBeNull();
    expect(parseHeadNow(`${A}\n`)).toBeNull();
    expect(parseHeadNow(`${A}\n${B}\n${B}\n`)).toBeNull();
    expect(parseHeadNow(`${A}\nHEAD\n`)).toBeNull();
  });

  it('the bundle step', () => {
    expect(parseBundleAnswer('rewritten\n')).toEqual({ kind: 'rewritten' });
    expect(parseBundleAnswer('ok yes 1234\n')).toEqual({ kind: 'ok', ancestor: true, bytes: 1234 });
    expect(() => parseBundleAnswer('ok yes -1')).toThrow(/did not ask/);
    expect(() => parseBundleAnswer('ok maybe 1')).toThrow(/did not ask/);
  });
});

describe('conflictingFiles', () => {
  it("names each file git apply refused, once", () => {
    const stderr = [
      'error: patch failed: src/a.ts:3',
      'error: src/a.ts: patch does not apply',
      'error: new.txt: already exists in working directory',
      'error: gone.txt: No such file or directory',
      "error: affected file 'lnk/x' is beyond a symbolic link",
      'error: src/a.ts: patch does not apply',
    ].join('\n');
    expect(conflictingFiles(stderr)).toEqual({ files: ['src/a.ts', 'new.txt', 'gone.txt', 'lnk/x'], more: 0 });
    expect(conflictingFiles(stderr, 2)).toEqual({ files: ['src/a.ts', 'new.txt'], more: 2 });
  });
});

describe('broughtBackText', () => {
  const b: BroughtBack = { agent: 'x', as: 'branch', commit: A, base: B, branch: 'enclave/x', replaced: null, committedInside: true, files: [{ path: 'a', status: 'added' }], filesTruncated: false };
  it('says what came back, how, and how many files', () => {
    expect(broughtBackText(b)).toBe('brought back aaaaaaa as branch enclave/x (1 file)');
    expect(broughtBackText({ ...b, replaced: B, files: [...b.files, ...b.files] })).toBe('brought back aaaaaaa as branch enclave/x (2 files, replacing bbbbbbb)');
    expect(broughtBackText({ ...b, as: 'patch', branch: null, filesTruncated: true })).toBe('brought back aaaaaaa as a patch onto the working tree (1+ files)');
  });
});

describe('gateWorkspace', () => {
  const agent = (over: Partial<Agent>): Agent =>
    ({ name: 'x', status: 'Running', workspace: { mode: 'copy', source: '/p', kind: 'git', base: A, branch: 'enclave/x', readOnly: false }, ...over }) as Agent;
  it('refuses what has no gate, saying why', () => {
    expect(gateWorkspace(agent({}))).toEqual({ source: '/p', base: A });
    expect(() => gateWorkspace(agent({ workspace: null }))).toThrow(/has no workspace/);
    expect(() => gateWorkspace(agent({ workspace: { mode: 'mount', source: '/p', kind: 'git', base: A, branch: null, readOnly: false } }))).toThrow(/already there/);
    expect(() => gateWorkspace(agent({ workspace: { mode: 'copy', source: '/p', kind: 'plain', base: null, branch: null, readOnly: false } }))).toThrow(/plain copy/);
    expect(() => gateWorkspace(agent({ status: 'Stopped' }))).toThrow(/is stopped: start it/);
  });
});
