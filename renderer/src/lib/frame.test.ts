import { beforeEach, describe, expect, it } from 'vitest';
import { FRAME_BUDGET_MS, cancelFrame, inNextFrame, setFrameDriver } from './frame.js';

let frames: (() => void)[] = [];
let now = 0;

beforeEach(() => {
  frames = [];
  now = 0;
  setFrameDriver({ request: (cb) => frames.push(cb), clock: () => now });
});

/** Runs the frame asked for so far; returns how many are still asked for. */
function runFrame(): number {
  const due = frames;
  frames = [];
  for (const f of due) f();
  return frames.length;
}

describe('frame work', () => {
  it('runs each key once per frame, with its latest work, in one frame request', () => {
    const done: string[] = [];
    const a = {};
    const b = {};
    inNextFrame(a, () => done.push('a1'));
    inNextFrame(b, () => done.push('b'));
    inNextFrame(a, () => done.push('a2'));
    expect(frames).toHaveLength(1);
    expect(runFrame()).toBe(0);
    expect(done).toEqual(['a2', 'b']);
  });

  it('stops at the frame budget and carries the rest to the next frames, in order', () => {
    const done: number[] = [];
    const keys = Array.from({ length: 10 }, () => ({}));
    keys.forEach((k, i) =>
      inNextFrame(k, () => {
        done.push(i);
        now += FRAME_BUDGET_MS / 2; // each chart costs half the budget
      }),
    );
    expect(runFrame()).toBe(1);
    expect(done).toEqual([0, 1]);
    cancelFrame(keys[2] as object);
    expect(runFrame()).toBe(1);
    expect(done).toEqual([0, 1, 3, 4]);
    while (runFrame()) {
      /* drain */
    }
    expect(done).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
  });
});
