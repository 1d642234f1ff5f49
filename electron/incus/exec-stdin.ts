import type WebSocket from 'ws';

/** Bytes sent on an exec's stdin but not yet written to the socket, past which the source waits. */
const HIGH_WATER = 8 * 1024 * 1024;
/** Frames are cut to this size, so one big chunk does not sit in memory twice. */
const FRAME = 1024 * 1024;

/**
 * Sends a stream on an exec's stdin socket, waiting whenever more than HIGH_WATER bytes are
 * queued (the command inside reads slower than the source produces), then EOF. Rejects when
 * the source fails or a write fails (the command ended early); `stopped` (the exec's bounds)
 * ends the wait at once.
 */
export async function sendStdin(ws: WebSocket, source: AsyncIterable<Uint8Array>, stopped: Promise<never>): Promise<void> {
  let queued = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const written = (bytes: number) => (err?: Error) => {
    queued -= bytes;
    if (err) failure ??= err;
    if (wake && (queued <= HIGH_WATER / 2 || failure)) {
      const w = wake;
      wake = null;
      w();
    }
  };
  for await (const chunk of source) {
    for (let at = 0; at < chunk.byteLength; at += FRAME) {
      if (failure) throw failure;
      const piece = chunk.subarray(at, Math.min(chunk.byteLength, at + FRAME));
      queued += piece.byteLength;
      ws.send(piece, { binary: true }, written(piece.byteLength));
      if (queued > HIGH_WATER) await Promise.race([new Promise<void>((r) => (wake = r)), stopped]);
    }
  }
  if (failure) throw failure;
  ws.send('', { binary: false }); // a text frame is EOF on a data stream
}
