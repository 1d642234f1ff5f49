const ESC = 0x1b;
const LF = 0x0a;
/** How far into the kept bytes a replay looks for a safe place to start. */
const SAFE_START_WINDOW = 64 * 1024;

/**
 * Where a replay of `bytes`, whose start was cut at an arbitrary byte, can begin without
 * starting inside a UTF-8 character or an escape sequence: right after a line feed or at an
 * ESC (the start of a sequence), whichever comes first; failing both, at the first byte that
 * starts a UTF-8 character. Terminal output keeps no state a later line needs but its modes
 * and colours, which programs such as tmux redraw when a client attaches.
 */
export function safeStart(bytes: Uint8Array): number {
  const end = Math.min(bytes.length, SAFE_START_WINDOW);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === ESC) return i;
    if (bytes[i] === LF) return i + 1;
  }
  let i = 0;
  while (i < end && ((bytes[i] as number) & 0xc0) === 0x80) i++;
  return i;
}

/** The most recent `capacity` bytes of a stream, kept as the chunks that arrived. */
export class ByteRing {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Whether older bytes were dropped, so the kept ones may begin mid-sequence. */
  private trimmed = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.trimmed ||= chunk.length > this.capacity || this.total > 0;
      this.total = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.total += chunk.length;
    while (this.total > this.capacity) {
      this.trimmed = true;
      const first = this.chunks[0]!;
      const excess = this.total - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.total -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.total -= excess;
      }
    }
  }

  /** Everything kept, oldest first. */
  contents(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.total)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** What a window that attaches is sent: the kept bytes, from a safe place once trimmed. */
  replay(): Buffer {
    const all = this.contents();
    return this.trimmed ? all.subarray(safeStart(all)) : all;
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
    this.trimmed = false;
  }
}
