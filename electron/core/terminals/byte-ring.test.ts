import { describe, expect, it } from 'vitest';
import { ByteRing, safeStart } from './byte-ring.js';

const bytes = (...values: number[]) => Buffer.from(values);
/** n bytes counting up from `from` (mod 256), so any misplaced byte shows. */
const run = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) % 256));

describe('ByteRing', () => {
  it('starts empty', () => {
    const ring = new ByteRing(8);
    expect(ring.size).toBe(0);
    expect(ring.contents()).toEqual(Buffer.alloc(0));
  });

  it('keeps everything, in order, while under capacity', () => {
    const ring = new ByteRing(10);
    ring.push(bytes(1, 2, 3));
    ring.push(bytes(4));
    ring.push(bytes(5, 6));
    expect(ring.size).toBe(6);
    expect([...ring.contents()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('holds exactly its capacity when filled to it', () => {
    const ring = new ByteRing(4);
    ring.push(bytes(1, 2));
    ring.push(bytes(3, 4));
    expect(ring.size).toBe(4);
    expect([...ring.contents()]).toEqual([1, 2, 3, 4]);
  });

  it('drops whole old chunks, then trims part of one, to keep the newest bytes', () => {
    const ring = new ByteRing(5);
    ring.push(bytes(1, 2));
    ring.push(bytes(3, 4, 5));
    ring.push(bytes(6)); // trims one byte of the first chunk
    expect([...ring.contents()]).toEqual([2, 3, 4, 5, 6]);
    ring.push(bytes(7, 8, 9)); // the rest of the first chunk and part of the second go
    expect(ring.size).toBe(5);
    expect([...ring.contents()]).toEqual([5, 6, 7, 8, 9]);
  });

  it('keeps only the tail of a chunk larger than its capacity', () => {
    const ring = new ByteRing(4);
    ring.push(bytes(1, 2));
    ring.push(run(10, 9));
    expect(ring.size).toBe(4);
    expect([...ring.contents()]).toEqual([15, 16, 17, 18]);
    // And carries on normally afterwards.
    ring.push(bytes(99));
    expect([...ring.contents()]).toEqual([16, 17, 18, 99]);
  });

  it('copies the tail of an oversized chunk rather than keeping a view of it', () => {
    const ring = new ByteRing(4);
    const big = run(0, 1024);
    ring.push(big);
    big.fill(0);
    expect([...ring.contents()]).toEqual([252, 253, 254, 255]);
  });

  it('a chunk of exactly its capacity replaces everything', () => {
    const ring = new ByteRing(3);
    ring.push(bytes(1, 2));
    ring.push(bytes(7, 8, 9));
    expect([...ring.contents()]).toEqual([7, 8, 9]);
  });

  it('matches the last `capacity` bytes of the stream for any chunking', () => {
    // A deterministic pseudo-random sequence of chunk sizes, some over capacity.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const capacity = 1000;
    const ring = new ByteRing(capacity);
    const all: Buffer[] = [];
    let at = 0;
    for (let i = 0; i < 500; i++) {
      const n = next() % 1300;
      const chunk = run(at, n);
      at += n;
      all.push(chunk);
      ring.push(chunk);
      const stream = Buffer.concat(all);
      const want = stream.subarray(Math.max(0, stream.length - capacity));
      expect(ring.size).toBe(want.length);
      if (i % 25 === 0) expect(ring.contents().equals(want)).toBe(true);
    }
    const stream = Buffer.concat(all);
    expect(ring.contents().equals(stream.subarray(stream.length - capacity))).toBe(true);
  });

  it('ignores empty chunks and can be cleared', () => {
    const ring = new ByteRing(4);
    ring.push(Buffer.alloc(0));
    expect(ring.size).toBe(0);
    ring.push(bytes(1, 2, 3));
    ring.push(Buffer.alloc(0));
    expect([...ring.contents()]).toEqual([1, 2, 3]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.contents().length).toBe(0);
    ring.push(bytes(4));
    expect([...ring.contents()]).toEqual([4]);
  });

  it('contents() is stable across calls and later pushes do not alter an earlier result', () => {
    const ring = new ByteRing(4);
    ring.push(bytes(1, 2));
    ring.push(bytes(3));
    const first = Buffer.from(ring.contents());
    expect(ring.contents().equals(first)).toBe(true);
    const view = ring.contents();
    ring.push(bytes(4, 5, 6));
    expect([...view]).toEqual([1, 2, 3]);
    expect([...ring.contents()]).toEqual([3, 4, 5, 6]);
  });
});

describe('ByteRing replay', () => {
  it('replays everything while nothing was dropped, even text that begins with a continuation byte', () => {
    const ring = new ByteRing(16);
    ring.push(Buffer.from([0x80, 0x41]));
    expect([...ring.replay()]).toEqual([0x80, 0x41]);
  });

  it('once trimmed mid-character, starts after the next line feed, never inside a UTF-8 character', () => {
    const ring = new ByteRing(12);
    ring.push(Buffer.from('ab€€\nok\n', 'utf8')); // € is 3 bytes: 2+6+1+3 = 12
    ring.push(Buffer.from('zz', 'utf8')); // drops 'ab': the kept bytes begin with €
    ring.push(Buffer.from('y', 'utf8')); // drops €'s first byte: the kept bytes begin mid-character
    expect(ring.contents()[0]! & 0xc0).toBe(0x80);
    expect(ring.replay().toString('utf8')).toBe('ok\nzzy');
  });

  it('once trimmed mid-sequence, starts at the next escape sequence rather than in the middle of one', () => {
    const ring = new ByteRing(10);
    ring.push(Buffer.from('\x1b[31mred\x1b[0m', 'latin1')); // 12 bytes: "\x1b[3" is cut
    expect(ring.replay().toString('latin1')).toBe('\x1b[0m');
  });

  it('without a line feed or ESC in reach, starts at the first whole UTF-8 character', () => {
    expect(safeStart(Buffer.from([0x82, 0xac, 0x41, 0x42]))).toBe(2);
    expect(safeStart(Buffer.from('plain'))).toBe(0);
  });

  it('clear forgets that bytes were dropped', () => {
    const ring = new ByteRing(4);
    ring.push(Buffer.from('abcdef'));
    ring.clear();
    ring.push(Buffer.from([0x80]));
    expect([...ring.replay()]).toEqual([0x80]);
  });
});
