/** The most recent `capacity` bytes of a stream, kept as the chunks that arrived. */
export class ByteRing {
  private chunks: Buffer[] = [];
  private total = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.total = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.total += chunk.length;
    while (this.total > this.capacity) {
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

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }
}
