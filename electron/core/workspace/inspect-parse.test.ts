import { describe, expect, it } from 'vitest';
import { IMAGE_MARGIN_BYTES, PER_FILE_BYTES, formatSize, linksOutside, neededBytes, parseCountObjects, parseLsTreeZ, parseStatusZ, usesLfs } from './inspect-parse.js';

const z = (...records: (string | Buffer)[]) => Buffer.concat(records.flatMap((r) => [Buffer.isBuffer(r) ? r : Buffer.from(r), Buffer.from([0])]));

describe('inspect parsers', () => {
  it('reads git status -z entries with their exact path bytes, skipping a rename source', () => {
    const bad = Buffer.from([0x62, 0xff]);
    const out = z(' M README.md', '?? a\nb', Buffer.concat([Buffer.from(' D '), bad]), 'R  new', 'old', 'A  added');
    const entries = parseStatusZ(out);
    expect(entries.map((e) => `${e.x}${e.y}`)).toEqual([' M', '??', ' D', 'R ', 'A ']);
    expect(entries[1]?.path.toString()).toBe('a\nb');
    expect(entries[2]?.path).toEqual(bad);
    expect(entries[3]?.path.toString()).toBe('new');
  });

  it('reads ls-tree --long -z entries: blobs with sizes, gitlinks without', () => {
    const sha = 'a'.repeat(40);
    const out = z(`100644 blob ${sha}     12\tsrc/a.ts`, `160000 commit ${sha}       -\tvendor/sub`, `120000 blob ${sha}      11\tlink`, 'garbage');
    expect(parseLsTreeZ(out).map((e) => [e.mode, e.type, e.size, e.path.toString()])).toEqual([
      ['100644', 'blob', 12, 'src/a.ts'],
      ['160000', 'commit', 0, 'vendor/sub'],
      ['120000', 'blob', 11, 'link'],
    ]);
  });

  it('adds up the object store from count-objects -v (KiB)', () => {
    expect(parseCountObjects('count: 3\nsize: 10\nin-pack: 100\npacks: 1\nsize-pack: 2000\nprune-packable: 0\ngarbage: 0\nsize-garbage: 4\n')).toBe(2014 * 1024);
  });

  it('needs the image margin and a block per file beyond the bytes', () => {
    expect(neededBytes(1000, 10)).toBe(1000 + IMAGE_MARGIN_BYTES + 10 * PER_FILE_BYTES);
  });

  it('tells links that climb out of the project, even where normalising would stop at the root', () => {
    expect(linksOutside('passwd-link', '/etc/passwd')).toBe(true);
    expect(linksOutside('src/shadow', '../../etc/shadow')).toBe(true);
    expect(linksOutside('link', '..')).toBe(true);
    expect(linksOutside('a/b/link', '../c/./d')).toBe(false);
    expect(linksOutside('a/link', '../a/../b')).toBe(false);
    expect(linksOutside('a/link', 'x/../../../y')).toBe(true);
  });

  it('finds LFS in .gitattributes, not in a comment', () => {
    expect(usesLfs('*.psd filter=lfs diff=lfs merge=lfs -text\n')).toBe(true);
    expect(usesLfs('# *.psd filter=lfs\n*.txt text\n')).toBe(false);
    expect(usesLfs('*.bin filter=lfsx\n')).toBe(false);
  });

  it('says sizes in binary units', () => {
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(1.2 * 1024 ** 3)).toBe('1.2 GiB');
    expect(formatSize(300 * 1024 * 1024)).toBe('300 MiB');
  });
});
