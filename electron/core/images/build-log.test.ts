import { describe, expect, it } from 'vitest';
import { LineTracker, MarkerParser, TextTail, cleanLog } from './build-log.js';

const N = 'abc123';
const mark = (line: number) => `\x1e${N}:${line}\n`;

describe('the build log', () => {
  it('removes escape sequences, control and bidi characters, and ends lines at a carriage return', () => {
    expect(cleanLog('\x1b[31mred\x1b[0m\r\nnext\rover\x07\x00 \u202eevil\ttab\n')).toBe('red\nnext\nover evil\ttab\n');
    expect(cleanLog('\x1b]0;title\x07after')).toBe('after');
  });

  it('splits output at its markers and reports each marked line', () => {
    const p = new MarkerParser(N, 10);
    const out = p.push(Buffer.from(`${mark(1)}one\n${mark(2)}two\n`));
    expect(out.text).toBe('one\ntwo\n');
    expect(out.marks).toEqual([
      { line: 1, before: '' },
      { line: 2, before: 'one\n' },
    ]);
  });

  it('finds a marker cut across chunks, and a UTF-8 character cut in two', () => {
    const p = new MarkerParser(N, 10);
    const whole = Buffer.from(`héllo\n${mark(3)}after\n`);
    const texts: string[] = [];
    const lines: number[] = [];
    for (let i = 0; i < whole.length; i++) {
      const c = p.push(whole.subarray(i, i + 1));
      texts.push(c.text);
      lines.push(...c.marks.map((m) => m.line));
    }
    texts.push(p.end().text);
    expect(texts.join('')).toBe('héllo\nafter\n');
    expect(lines).toEqual([3]);
  });

  it('keeps a marker of another nonce, or a line out of range, as output without its separator', () => {
    const p = new MarkerParser(N, 5);
    const out = p.push(`\x1eother:1\nx${mark(99)}y\n`);
    expect(out.marks).toEqual([]);
    expect(out.text).toBe('other:1\nxy\n');
  });

  it('gives a stray separator at the end back once the output ends', () => {
    const p = new MarkerParser(N, 5);
    expect(p.push('tail\x1eab').text).toBe('tail');
    expect(p.end().text).toBe('ab');
  });

  it('walks output full of separators in one pass (a hostile builder cannot stall the backend)', () => {
    const p = new MarkerParser(N, 10);
    const flood = '\x1e'.repeat(1024 * 1024) + `${mark(2)}after\n`;
    const out = p.push(flood);
    expect(out.text).toBe('after\n');
    expect(out.marks.map((m) => m.line)).toEqual([2]);
  });

  it('tracks the output of the line that ran last, a loop counting as one line', () => {
    const t = new LineTracker();
    const p = new MarkerParser(N, 10);
    t.add(p.push(`${mark(1)}first\n${mark(2)}loop 1\n${mark(2)}loop 2\n`));
    expect(t.line).toBe(2);
    expect(t.output).toBe('loop 1\nloop 2\n');
    t.add(p.push(`${mark(3)}fail`));
    t.add(p.push('ed\n'));
    expect(t.line).toBe(3);
    expect(t.output).toBe('failed\n');
  });

  it('keeps only the end of a long text and says how much went', () => {
    const t = new TextTail(5);
    t.push('abc');
    t.push('defgh');
    expect(t.value).toBe('[… 3 earlier characters not kept …]\ndefgh');
    t.reset();
    expect(t.value).toBe('');
  });
});
