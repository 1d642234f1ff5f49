/**
 * A build's log, as the builder prints it: cleaned for display, split at the line markers the
 * wrapper prints before each command of the script, and kept bounded. Everything here comes
 * from inside the builder: nothing is trusted, everything is capped.
 */
import { StringDecoder } from 'node:string_decoder';

/** The record separator, then the build's nonce, a colon and the script's line number. */
export const MARK = '\x1e';

/**
 * Removes what a <pre> should not render: ANSI escape sequences, control characters other
 * than tab and line feed, bidi overrides. A carriage return ends a line.
 */
export function cleanLog(text: string): string {
  /* eslint-disable no-control-regex -- control characters are what this removes */
  return (
    text
      // CSI and OSC sequences, then any other two-character escape.
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
      .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
      .replace(/\x1b[@-_]?/g, '')
      .replace(/\r\n?/g, '\n')
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
      .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '')
  );
  /* eslint-enable no-control-regex */
}

/** A string kept to its last `max` characters. */
export class TextTail {
  private text = '';
  private dropped = 0;
  constructor(private readonly max: number) {}
  push(s: string): void {
    this.text += s;
    if (this.text.length > this.max) {
      this.dropped += this.text.length - this.max;
      this.text = this.text.slice(this.text.length - this.max);
    }
  }
  get value(): string {
    return this.dropped ? `[… ${this.dropped} earlier characters not kept …]\n${this.text}` : this.text;
  }
  reset(): void {
    this.text = '';
    this.dropped = 0;
  }
}

export interface ParsedChunk {
  /** Text to show (markers removed, cleaned). */
  text: string;
  /** Line numbers marked in this chunk, in order, each with the text printed before it. */
  marks: { line: number; before: string }[];
}

/**
 * Splits the builder's output at markers `\x1e<nonce>:<line>\n`. A marker may arrive split
 * over chunks and UTF-8 characters too: what could be the start of either is held back until
 * the next chunk. A marker with a line number outside 1..maxLine is dropped.
 */
export class MarkerParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly prefix: string;
  private readonly marker: RegExp;
  private readonly longest: number;

  constructor(
    nonce: string,
    private readonly maxLine: number,
  ) {
    this.prefix = `${MARK}${nonce}:`;
    this.marker = new RegExp(`${this.prefix.replace(/[^A-Za-z0-9:]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}(\\d{1,7})\n`, 'y');
    this.longest = this.prefix.length + 8;
  }

  push(data: Buffer | string): ParsedChunk {
    this.pending += typeof data === 'string' ? data : this.decoder.write(data);
    return this.drain(false);
  }

  end(): ParsedChunk {
    this.pending += this.decoder.end();
    return this.drain(true);
  }

  /** Whether `tail` (from a separator to the end of what came) could still become a marker. */
  private couldBeMarker(tail: string): boolean {
    if (tail.length >= this.longest) return false;
    if (this.prefix.startsWith(tail)) return true;
    return tail.startsWith(this.prefix) && /^\d*$/.test(tail.slice(this.prefix.length));
  }

  // Walks by index: output full of separators costs one step each, never a copy of the rest.
  private drain(final: boolean): ParsedChunk {
    const s = this.pending;
    this.pending = '';
    const marks: ParsedChunk['marks'] = [];
    let text = '';
    let segStart = 0;
    let i = 0;
    for (;;) {
      const at = s.indexOf(MARK, i);
      if (at < 0) break;
      this.marker.lastIndex = at;
      const m = this.marker.exec(s);
      const line = m?.[1] ? Number(m[1]) : 0;
      if (m && line >= 1 && line <= this.maxLine) {
        const before = cleanLog(s.slice(segStart, at));
        text += before;
        marks.push({ line, before });
        segStart = i = this.marker.lastIndex;
        continue;
      }
      if (m) {
        // A line out of range: dropped, as if it were not there.
        text += cleanLog(s.slice(segStart, at));
        segStart = i = this.marker.lastIndex;
        continue;
      }
      if (!final && this.couldBeMarker(s.slice(at))) {
        this.pending = s.slice(at);
        text += cleanLog(s.slice(segStart, at));
        return { text, marks };
      }
      i = at + 1; // a stray separator: output (cleanLog drops the character itself)
    }
    text += cleanLog(s.slice(segStart));
    return { text, marks };
  }
}

/**
 * Follows which script line runs and what it printed: `line` is the newest marked line and
 * `output` what was printed since that line began (consecutive marks of one line, a loop,
 * count as one), kept to the last `max` characters.
 */
export class LineTracker {
  line = 0;
  private readonly out: TextTail;
  constructor(max = 16 * 1024) {
    this.out = new TextTail(max);
  }
  add(chunk: ParsedChunk): void {
    let pos = 0;
    for (const mark of chunk.marks) {
      this.out.push(mark.before);
      pos += mark.before.length;
      if (mark.line !== this.line) {
        this.line = mark.line;
        this.out.reset();
      }
    }
    this.out.push(chunk.text.slice(pos));
  }
  get output(): string {
    return this.out.value;
  }
}
