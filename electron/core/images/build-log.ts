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
  private readonly longest: number;

  constructor(
    nonce: string,
    private readonly maxLine: number,
  ) {
    this.prefix = `${MARK}${nonce}:`;
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

  private drain(final: boolean): ParsedChunk {
    let text = '';
    const marks: ParsedChunk['marks'] = [];
    let segment = '';
    for (;;) {
      const at = this.pending.indexOf(MARK);
      if (at < 0) {
        segment += this.pending;
        this.pending = '';
        break;
      }
      segment += this.pending.slice(0, at);
      const rest = this.pending.slice(at);
      const nl = rest.indexOf('\n');
      if (nl < 0 && !final && rest.length < this.longest && (this.prefix.startsWith(rest) || rest.startsWith(this.prefix))) {
        this.pending = rest; // maybe a marker cut in two
        break;
      }
      const candidate = nl < 0 ? rest : rest.slice(0, nl);
      const m = candidate.startsWith(this.prefix) ? /^(\d{1,7})$/.exec(candidate.slice(this.prefix.length)) : null;
      if (m?.[1]) {
        const line = Number(m[1]);
        if (line >= 1 && line <= this.maxLine) {
          const cleaned = cleanLog(segment);
          text += cleaned;
          marks.push({ line, before: cleaned });
          segment = '';
        }
        this.pending = nl < 0 ? '' : rest.slice(nl + 1);
      } else {
        // Not ours: a stray separator is dropped by cleanLog, the rest is output.
        segment += rest.slice(0, 1);
        this.pending = rest.slice(1);
      }
    }
    text += cleanLog(segment);
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
    let rest = chunk.text;
    for (const mark of chunk.marks) {
      this.out.push(mark.before);
      rest = rest.slice(mark.before.length);
      if (mark.line !== this.line) {
        this.line = mark.line;
        this.out.reset();
      }
    }
    this.out.push(rest);
  }
  get output(): string {
    return this.out.value;
  }
}
