/**
 * The in-page frame sampler the renderer benches share: for `ms`, rAF deltas (frame intervals)
 * and each frame's rendering work (from its rAF callback to a message posted there, which runs
 * once style, layout and paint are done). Plain JavaScript in a string, since tsx would wrap a
 * function's inner functions in a helper (__name) the page does not have. The parts are inserted
 * as they are: `before` the loop, `eachFrame` in each frame's callback, `after` it, and
 * `returns` as more fields of the result beside frames and work.
 */
export function framesInPage(parts: { before?: string; eachFrame?: string; after?: string; returns?: string } = {}): string {
  return `async (ms) => {
  const frames = [];
  const work = [];
  ${parts.before ?? ''}
  const channel = new MessageChannel();
  let frameStart = 0;
  channel.port1.onmessage = () => work.push(performance.now() - frameStart);
  await new Promise((resolve) => {
    let start = 0;
    let last = 0;
    const step = (now) => {
      frames.push(now - last);
      last = now;
      frameStart = performance.now();
      ${parts.eachFrame ?? ''}
      channel.port2.postMessage(0);
      if (now - start < ms) requestAnimationFrame(step); else resolve();
    };
    requestAnimationFrame((now) => { start = last = now; requestAnimationFrame(step); });
  });
  channel.port1.close();
  ${parts.after ?? ''}
  return { frames, work, ${parts.returns ?? ''} };
}`;
}
