import { describe, expect, it } from 'vitest';
import { sideOf, wholeChars } from './file-diff.js';

describe('file sides', () => {
  it('text, binary by a NUL in the first 8000 bytes or by the list\'s word', () => {
    expect(sideOf(Buffer.from('a\nb\n'), 4, false)).toEqual({ text: 'a\nb\n', exists: true, binary: false, sizeBytes: 4, truncated: false });
    expect(sideOf(Buffer.from([0x61, 0, 0x62]), 3, false)).toMatchObject({ text: null, binary: true });
    expect(sideOf(Buffer.from('plain'), 5, true)).toMatchObject({ text: null, binary: true });
    const lateNul = Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]);
    expect(sideOf(lateNul, lateNul.length, false).binary).toBe(false);
  });

  it('a cut side says so and ends on a whole character', () => {
    const side = sideOf(Buffer.from('aé€', 'utf8').subarray(0, 5), 100, false);
    expect(side).toMatchObject({ text: 'aé', truncated: true, sizeBytes: 100 });
  });

  it('wholeChars drops only an unfinished last character', () => {
    const cases: [number[], number][] = [
      [[0x61], 1],
      [[0x61, 0xc3], 1],
      [[0x61, 0xc3, 0xa9], 3],
      [[0xe2, 0x82], 0],
      [[0xe2, 0x82, 0xac], 3],
      [[0xf0, 0x9f, 0x98], 0],
      [[0xf0, 0x9f, 0x98, 0x80], 4],
      [[0x80, 0x80, 0x80, 0x80, 0x80], 5], // not UTF-8 at all: left to the decoder
    ];
    for (const [bytes, kept] of cases) expect(wholeChars(Buffer.from(bytes)).length, JSON.stringify(bytes)).toBe(kept);
  });
});
