import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { git, makeRepo as makeRepoIn, writeFiles } from '../../test-support/git-repo.js';
import { AgentOutputError, LOG_FORMAT, oneLine, parseBatch, parseBatchCheck, parseDiffTree, parseLog, pathKey } from './change-parse.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);
const raw = (header: string, ...paths: string[]) => `${header}\0${paths.map((p) => `${p}\0`).join('')}`;
const buf = (s: string) => Buffer.from(s, 'latin1');
/** The host's git on a test repository, its output as the bytes it printed. */
const gitBytes = (dir: string, args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });

/** The repositories these tests make, removed at the end. */
const repos: string[] = [];
const makeRepo = (files: Record<string, string>) => {
  const dir = makeRepoIn(files);
  repos.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

describe('parseDiffTree', () => {
  it('reads raw records and numstat counts, renames with both paths, names with newlines and tabs', () => {
    const out = buf(
      raw(`:000000 100644 ${Z} ${A} A`, 'new\nline') +
        raw(`:100644 100644 ${A} ${B} M`, 'tab\there') +
        raw(`:100644 100644 ${A} ${A} R100`, 'old', 'moved') +
        raw(`:100644 000000 ${A} ${Z} D`, 'gone') +
        '3\t0\tnew\nline\0' +
        '1\t1\ttab\there\0' +
        '0\t0\t\0old\0moved\0' +
        '-\t-\tgone\0',
    );
    const { entries, counts, complete } = parseDiffTree(out, false);
    expect(complete).toBe(true);
    expect(entries.map((e) => [e.status, e.path.toString(), e.from?.toString() ?? null])).toEqual([
      ['A', 'new\nline', null],
      ['M', 'tab\there', null],
      ['R', 'moved', 'old'],
      ['D', 'gone', null],
    ]);
    expect(entries[0]?.oldBlob).toBeNull();
    expect(entries[3]?.newBlob).toBeNull();
    expect(counts.get(pathKey(buf('new\nline')))).toEqual({ additions: 3, deletions: 0, binary: false });
    expect(counts.get(pathKey(buf('moved')))).toEqual({ additions: 0, deletions: 0, binary: false });
    expect(counts.get(pathKey(buf('gone')))).toEqual({ additions: null, deletions: null, binary: true });
  });

  it('keeps the exact bytes of a name that is not UTF-8', () => {
    const name = Buffer.from([0x66, 0xff, 0x0a, 0x80]);
    const out = Buffer.concat([buf(`:000000 100644 ${Z} ${A} A\0`), name, Buffer.from([0])]);
    const [entry] = parseDiffTree(out, false).entries;
    expect(entry?.path.equals(name)).toBe(true);
  });

  it('refuses garbage, fake ids, impossible modes and statuses', () => {
    const bad = [
      'hello world\0',
      raw(`:100644 100644 ${A.slice(1)}g ${B} M`, 'x'),
      raw(`:100644 100644 ${A} ${'b'.repeat(64)} M`, 'x'),
      raw(`:100999 100644 ${A} ${B} M`, 'x'),
      raw(`:000000 100644 ${A} ${B} A`, 'x'), // absent with an id
      raw(`:100644 100644 ${A} ${B} A`, 'x'), // added yet there before
      raw(`:100644 100644 ${A} ${B} C100`, 'x', 'y'),
      raw(`:100644 100644 ${A} ${B} M`, ''),
      raw(`:100644 100644 ${A} ${B} M`, 'x'.repeat(4097)),
      raw(`:100644 100644 ${A} ${B} M`, 'x') + raw(`:100644 100644 ${A} ${B} M`, 'x'),
      raw(`:100644 100644 ${A} ${B} M`, 'x') + '1\t1\tother\0',
      raw(`:100644 100644 ${A} ${B} M`, 'x') + '99999999999999999999\t1\tx\0',
      raw(`:100644 100644 ${A} ${B} M`, 'x') + '-\t1\tx\0',
      raw(`:100644 100644 ${A} ${B} M`, 'x') + '1\t1\tx\0' + raw(`:100644 100644 ${A} ${B} M`, 'y'),
    ];
    for (const out of bad) expect(() => parseDiffTree(buf(out), false), JSON.stringify(out.slice(0, 80))).toThrow(AgentOutputError);
  });

  it('refuses output without its NULs unless it was cut', () => {
    const whole = raw(`:100644 100644 ${A} ${B} M`, 'x');
    expect(() => parseDiffTree(buf(whole.slice(0, -1)), false)).toThrow(/does not end with a NUL/);
    expect(() => parseDiffTree(buf(whole.replaceAll('\0', '\n')), false)).toThrow(AgentOutputError);
    // A flood without NULs, cut at the cap, is no list with nothing in it.
    expect(() => parseDiffTree(Buffer.alloc(8 * 1024 * 1024, 'garbage\n'), true)).toThrow(/bytes without a NUL/);
    // Nor is a flood of NULs.
    expect(() => parseDiffTree(Buffer.alloc(1024 * 1024), true)).toThrow(AgentOutputError);
  });

  it('output cut at the cap gives the whole records before the cut', () => {
    const two = raw(`:100644 100644 ${A} ${B} M`, 'x') + raw(`:100644 100644 ${A} ${B} R090`, 'from', 'to');
    for (const at of [two.length - 1, two.length - 3, two.length - 5, two.length - 9, two.length - 20]) {
      const { entries, complete } = parseDiffTree(buf(two.slice(0, at)), true);
      expect(complete).toBe(false);
      expect(entries.map((e) => e.path.toString())).toEqual(['x']);
    }
    // A cut inside the numstat part keeps every entry, with the counts that came.
    const out = parseDiffTree(buf(`${two}1\t1\tx\0`.concat('0\t0\t\0from\0t')), true);
    expect(out.entries).toHaveLength(2);
    expect(out.counts.size).toBe(1);
  });

  it('parses what the real git prints for renames, binary files, symlinks, modes and odd names', () => {
    const dir = makeRepo({ 'keep.txt': 'one\ntwo\nthree\nfour\nfive\n', 'mode.sh': 'echo\n', 'link': 'target' });
    const base = git(dir, ['rev-parse', 'HEAD']).trim();
    git(dir, ['mv', 'keep.txt', 'kept.txt']);
    writeFiles(dir, { 'bin.dat': Buffer.from([1, 0, 2, 0]), 'new\nline.txt': 'x\n', 'ü.md': 'y\n' });
    git(dir, ['rm', '-q', 'link']);
    chmodSync(join(dir, 'mode.sh'), 0o755);
    symlinkSync('kept.txt', join(dir, 'sym'));
    git(dir, ['add', '-A']);
    const tree = git(dir, ['write-tree']).trim();
    const out = gitBytes(dir, ['diff-tree', '-r', '-z', '-M', '--raw', '--numstat', '--no-abbrev', base, tree]);
    const { entries, counts } = parseDiffTree(out, false);
    const byName = new Map(entries.map((e) => [e.path.toString('utf8'), e]));
    expect([...byName.keys()].sort()).toEqual(['bin.dat', 'kept.txt', 'link', 'mode.sh', 'new\nline.txt', 'sym', 'ü.md'].sort());
    expect(byName.get('kept.txt')?.from?.toString()).toBe('keep.txt');
    expect(byName.get('mode.sh')?.newMode).toBe('100755');
    expect(byName.get('sym')?.newMode).toBe('120000');
    expect(byName.get('link')?.status).toBe('D');
    expect(counts.get(pathKey(Buffer.from('bin.dat')))?.binary).toBe(true);
    expect(counts.get(pathKey(Buffer.from('ü.md')))).toEqual({ additions: 1, deletions: 0, binary: false });
  });
});

describe('parseLog', () => {
  const commit = (sha: string, subject: string, at = '2026-12-02T01:02:03+00:00') => `${sha}\0${at}\0Ann Author\0${subject}\0`;

  it('reads commits, removing control characters from the agent\'s words and bounding them', () => {
    const out = buf(commit(A, 'fix: the \u001b[31mred\u001b[0m thing') + commit(B, 'x'.repeat(500)));
    const commits = parseLog(out);
    expect(commits).toHaveLength(2);
    expect(commits[0]).toEqual({ sha: A, at: '2026-12-02T01:02:03+00:00', author: 'Ann Author', subject: 'fix: the [31mred [0m thing' });
    expect(Array.from(commits[1]?.subject ?? '').length).toBe(200);
  });

  it('keeps at most 200 commits', () => {
    const many = Array.from({ length: 250 }, (_, i) => commit(i.toString(16).padStart(40, '0'), `c${i}`)).join('');
    expect(parseLog(buf(many))).toHaveLength(200);
  });

  it('refuses fake ids, bad dates, misaligned fields and a missing final NUL', () => {
    for (const out of [commit('g'.repeat(40), 's'), commit(A, 's', 'yesterday'), `${commit(A, 's')}extra\0`, commit(A, 's').slice(0, -1), commit(A, 's') + commit(A, 't')]) {
      expect(() => parseLog(buf(out))).toThrow(AgentOutputError);
    }
  });

  it('parses the real git log with the reader\'s format', () => {
    const dir = makeRepo({ a: '1' });
    writeFiles(dir, { a: '2' });
    git(dir, ['commit', '-qam', `second\u00e9 ${'long '.repeat(100)}`]);
    const commits = parseLog(gitBytes(dir, ['log', '-z', LOG_FORMAT]));
    expect(commits.map((c) => c.subject.slice(0, 7))).toEqual(['secondé', 'initial']);
    expect(commits[0]?.subject.length).toBeLessThanOrEqual(200);
    expect(commits[0]?.author).toBe('Test');
  });
});

describe('oneLine', () => {
  it('drops bidirectional overrides and decodes invalid UTF-8 as U+FFFD', () => {
    expect(oneLine(Buffer.from('a\u202eb\nc', 'utf8'), 100)).toBe('a b c');
    expect(oneLine(Buffer.from([0x61, 0xff]), 100)).toBe('a\ufffd');
  });
});

describe('cat-file batch parsers', () => {
  it('answers exactly the ids asked, in order', () => {
    expect(parseBatchCheck(buf(`${A} blob 12\n${B} missing\n`), [A, B])).toEqual([
      { id: A, type: 'blob', size: 12 },
      { id: B, type: null, size: 0 },
    ]);
    expect(() => parseBatchCheck(buf(`${B} blob 12\n`), [A])).toThrow(AgentOutputError);
    expect(() => parseBatchCheck(buf(`${A} blob 12\n${A} blob 1\n`), [A])).toThrow(AgentOutputError);
    expect(() => parseBatchCheck(buf(`${A} blob 1234567890123456\n`), [A])).toThrow(AgentOutputError);
  });

  it('takes contents by their sizes, with newlines and NULs inside', () => {
    const out = buf(`${A} blob 5\na\n\0b\n\n${B} blob 0\n\n`);
    expect(parseBatch(out, [A, B], 100).map((c) => c.toString('latin1'))).toEqual(['a\n\0b\n', '']);
  });

  it('refuses sizes that lie, more than was asked and objects over the bound', () => {
    expect(() => parseBatch(buf(`${A} blob 9\nabc\n`), [A], 100)).toThrow(AgentOutputError);
    expect(() => parseBatch(buf(`${A} blob 1\nab\n`), [A], 100)).toThrow(AgentOutputError);
    expect(() => parseBatch(buf(`${A} blob 1\na\nmore`), [A], 100)).toThrow(AgentOutputError);
    expect(() => parseBatch(buf(`${A} blob 101\n${'a'.repeat(101)}\n`), [A], 100)).toThrow(AgentOutputError);
    expect(() => parseBatch(buf(`${A} tree 1\na\n`), [A], 100)).toThrow(AgentOutputError);
  });
});
