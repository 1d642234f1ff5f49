/**
 * Coalesces drawing into animation frames: many charts asking in one tick are drawn in the
 * next frame, and a chart asking twice before it is drawn is drawn once, with its latest work.
 * A frame spends at most `FRAME_BUDGET_MS` on this work; what is left waits for the next
 * frame, first come first drawn, so 100 sparklines fed by one telemetry batch spread over a
 * few frames instead of making one long one.
 */
export const FRAME_BUDGET_MS = 6;

const pending = new Map<object, () => void>();
let scheduled = false;
let request: (cb: () => void) => void = (cb) => requestAnimationFrame(cb);
let clock: () => number = () => performance.now();

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  request(flush);
}

function flush(): void {
  scheduled = false;
  const start = clock();
  for (const [key, run] of pending) {
    pending.delete(key);
    run();
    if (clock() - start >= FRAME_BUDGET_MS) break;
  }
  if (pending.size) schedule();
}

export function inNextFrame(key: object, run: () => void): void {
  pending.set(key, run);
  schedule();
}

export function cancelFrame(key: object): void {
  pending.delete(key);
}

/** For tests: drive frames and time by hand. */
export function setFrameDriver(next: { request: (cb: () => void) => void; clock: () => number }): void {
  request = next.request;
  clock = next.clock;
  scheduled = false;
  pending.clear();
}
