/**
 * Mirrors the frames of two websockets both ways, as Incus's own relay does (shared/ws/proxy.go):
 * each frame keeps its type (binary data; an empty text frame is Incus's end-of-stream barrier),
 * and when either side ends the other is closed once what was queued for it has gone out.
 *
 * Bounded: the bytes queued toward one side (written to ws but not yet to the kernel) are at most
 * `highWaterBytes` plus one frame; past that the other side's reading pauses, so a slow server
 * never makes Enclave hold a whole filesystem in memory. Frames that come while the peer is still
 * connecting wait for it, with the sender paused.
 */
import WebSocket from 'ws';

export interface RelayOptions {
  /** Bytes queued toward a side before reading from its peer pauses. */
  highWaterBytes?: number;
  /** Called for every frame passed on, with its size and direction ('a→b' or 'b→a'). */
  onFrame?: (direction: 'a→b' | 'b→a', bytes: number) => void;
}

export const DEFAULT_HIGH_WATER_BYTES = 8 * 1024 * 1024;

/** A close code a client may send for one it got: 1005/1006/1015 are never sent on the wire. */
function forwardable(code: number): number {
  if (code === 1000) return 1000;
  return 1001; // going away: anything but a clean end reads as a failure on the other side
}

export interface Relay {
  /** Resolves once both sockets are closed; never rejects. */
  readonly done: Promise<void>;
  /** Whether any socket is still open or connecting. */
  readonly active: boolean;
  /** Drops both sockets at once (cleanup after a failure). */
  terminate(): void;
}

export function relay(a: WebSocket, b: WebSocket, opts: RelayOptions = {}): Relay {
  const high = opts.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  const low = Math.floor(high / 2);
  const closed = { a: a.readyState === WebSocket.CLOSED, b: b.readyState === WebSocket.CLOSED };
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const check = () => {
    if (closed.a && closed.b) finish();
  };

  const direction = (from: WebSocket, to: WebSocket, name: 'a→b' | 'b→a') => {
    let queued = 0;
    let pausedForPeer = false;
    const waiting: { data: Buffer; binary: boolean }[] = [];
    let closeWhenFlushed: number | null = null;

    const pause = () => {
      if (!pausedForPeer) {
        pausedForPeer = true;
        from.pause();
      }
    };
    const maybeResume = () => {
      if (pausedForPeer && queued <= low && waiting.length === 0) {
        pausedForPeer = false;
        from.resume();
      }
    };
    const send = (data: Buffer, binary: boolean) => {
      queued += data.length;
      to.send(data, { binary }, () => {
        queued -= data.length;
        maybeResume();
      });
      if (queued > high) pause();
    };

    from.on('message', (data: Buffer, isBinary: boolean) => {
      opts.onFrame?.(name, data.length);
      if (to.readyState === WebSocket.OPEN) send(data, isBinary);
      else if (to.readyState === WebSocket.CONNECTING) {
        waiting.push({ data, binary: isBinary });
        pause();
      }
      // A closed peer: the frame has nowhere to go (the other side ended the stream).
    });
    to.on('open', () => {
      for (const w of waiting.splice(0)) send(w.data, w.binary);
      maybeResume();
      if (closeWhenFlushed !== null) to.close(closeWhenFlushed);
    });
    from.on('close', (code: number) => {
      if (to.readyState === WebSocket.OPEN) to.close(forwardable(code));
      else if (to.readyState === WebSocket.CONNECTING) closeWhenFlushed = forwardable(code);
    });
  };

  direction(a, b, 'a→b');
  direction(b, a, 'b→a');
  a.on('close', () => {
    closed.a = true;
    check();
  });
  b.on('close', () => {
    closed.b = true;
    check();
  });
  check();

  return {
    done,
    get active() {
      return !closed.a || !closed.b;
    },
    terminate() {
      a.terminate();
      b.terminate();
    },
  };
}
