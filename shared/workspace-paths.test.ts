import { describe, expect, it } from 'vitest';
import { displayPath, isOddName, pathBytes, pathId, splitNul, workspacePath } from './workspace-paths.js';

const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s));

describe('workspace paths', () => {
  it('shows ordinary and unicode names as they are', () => {
    expect(displayPath(bytes('src/main.ts'))).toBe('src/main.ts');
    expect(displayPath(bytes('docs/über 文件.md'))).toBe('docs/über 文件.md');
  });

  it('escapes control characters, so a newline in a name stays on one line', () => {
    expect(displayPath(bytes('a\nb'))).toBe('a\\nb');
    expect(displayPath(bytes('tab\there\r'))).toBe('tab\\there\\r');
    expect(displayPath(bytes('esc\u001b[31m'))).toBe('esc\\x1b[31m');
    expect(displayPath(bytes('del\u007f c1\u0085'))).toBe('del\\x7f c1\\x85');
    expect(displayPath(bytes('evil\u202etxt.exe'))).toBe('evil\\u202etxt.exe');
  });

  it('shows invalid UTF-8 as U+FFFD', () => {
    expect(displayPath(bytes([0x61, 0xff, 0x62, 0xc3]))).toBe('a\ufffdb\ufffd');
  });

  it('the id holds the exact bytes, also where the shown text cannot', () => {
    for (const b of [bytes([0x61, 0xff, 0x0a, 0x80]), bytes('a\nb'), bytes('ü'), bytes('x'.repeat(4096))]) {
      expect([...pathBytes(pathId(b))]).toEqual([...b]);
    }
    // Two names that show alike have different ids.
    expect(pathId(bytes([0xff]))).not.toBe(pathId(bytes([0xfe])));
    expect(workspacePath(bytes('a\nb'))).toEqual({ path: 'a\\nb', id: 'YQpi' });
  });

  it('refuses ids pathId cannot have made', () => {
    expect(() => pathBytes('')).toThrow(/base64/);
    expect(() => pathBytes('not base64!')).toThrow(/base64/);
    expect(() => pathBytes('YR==')).toThrow(/base64/); // stray bits: 'YQ==' is the spelling of "a"
    expect(() => pathBytes('A'.repeat(5468))).toThrow(/4096 bytes/);
  });

  it('calls a name odd when it is not UTF-8 or has characters shown escaped', () => {
    expect(isOddName(bytes('docs/über 文件.md'))).toBe(false);
    expect(isOddName(bytes('a\nb'))).toBe(true);
    expect(isOddName(bytes('evil\u202e'))).toBe(true);
    expect(isOddName(bytes([0x61, 0xff]))).toBe(true);
    // The same answer twice: the shared pattern keeps no state between calls.
    expect(isOddName(bytes('a\tb'))).toBe(true);
    expect(isOddName(bytes('a\tb'))).toBe(true);
  });

  it('splits NUL-terminated records, keeping one without its NUL', () => {
    const text = (xs: Uint8Array[]) => xs.map((x) => new TextDecoder().decode(x));
    expect(text(splitNul(bytes('a\0b\nc\0')))).toEqual(['a', 'b\nc']);
    expect(text(splitNul(bytes('a\0tail')))).toEqual(['a', 'tail']);
    expect(splitNul(bytes(''))).toEqual([]);
  });
});
