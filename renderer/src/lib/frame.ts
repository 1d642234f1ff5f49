/**
 * Coalesces drawing into animation frames: many charts asking in one tick are drawn in one
 * frame, and a chart asking twice before it is drawn is drawn once, with its latest work.
 */
const pending = new Map<object, () => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const work = [...pending.values()];
  pending.clear();
  for (const run of work) run();
}

export function inNextFrame(key: object, run: () => void): void {
  pending.set(key, run);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(flush);
}

export function cancelFrame(key: object): void {
  pending.delete(key);
}
