import type { TerminalState } from '../../../shared/types.js';
import type { LinkState } from '../ws/link.js';

/** The contract's cap on one terminals.input call (MAX_TERMINAL_INPUT_BYTES in shared/api.ts). */
export const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Splits input into pieces the backend accepts, in order. Pieces are copies, not views: Electron's
 * IPC clones a view's whole underlying buffer, which for a big paste would send it every time.
 */
export function chunkBytes(bytes: Uint8Array<ArrayBuffer>, max: number = MAX_INPUT_BYTES): Uint8Array<ArrayBuffer>[] {
  if (max < 1) throw new RangeError('chunk size must be at least 1');
  if (bytes.byteLength <= max) return bytes.byteLength === 0 ? [] : [bytes];
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < bytes.byteLength; at += max) chunks.push(bytes.slice(at, Math.min(at + max, bytes.byteLength)));
  return chunks;
}

/** xterm's onBinary gives one character per byte (e.g. mouse reports in X10 mode). */
export function binaryStringToBytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/**
 * Keystrokes reach a session only while it is open and the backend is reachable; anything
 * typed meanwhile is dropped, never queued for later (nor sent to another session).
 */
export function canSendInput(state: TerminalState | undefined, link: LinkState): boolean {
  return state === 'open' && link === 'connected';
}

/**
 * Sends input in order: pieces go out as soon as they come (the transport keeps order) with at
 * most `maxInFlight` unanswered, so a huge paste does not swamp the backend while a keystroke
 * typed during a flood of output still goes out at once.
 */
export class InputQueue {
  private readonly queue: Uint8Array<ArrayBuffer>[] = [];
  private inFlight = 0;
  private generation = 0;

  constructor(
    private readonly send: (bytes: Uint8Array<ArrayBuffer>) => Promise<unknown>,
    private readonly maxInFlight = 8,
    /** Told once per refused input, with the refusal and how many bytes did not go out. */
    private readonly onRefused: (err: unknown, droppedBytes: number) => void = () => undefined,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  push(bytes: Uint8Array<ArrayBuffer>): void {
    for (const chunk of chunkBytes(bytes)) this.queue.push(chunk);
    this.pump();
  }

  /** Drops what has not gone out yet (the session stopped being open). */
  clear(): void {
    this.queue.length = 0;
    this.generation++;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const chunk = this.queue.shift() as Uint8Array<ArrayBuffer>;
      const generation = this.generation;
      this.inFlight++;
      this.send(chunk)
        .catch((err: unknown) => {
          // A refused piece (the session closed meanwhile): what follows it is moot too, and
          // the user is told rather than left with half a paste.
          if (generation !== this.generation) return;
          const dropped = chunk.byteLength + this.queue.reduce((n, c) => n + c.byteLength, 0);
          this.clear();
          this.onRefused(err, dropped);
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
