import { useSyncExternalStore } from 'react';

// One shared 1 s clock, running only while something on screen shows elapsed time.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = wholeSecond();

function wholeSecond(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = wholeSecond();
      for (const notify of [...listeners]) notify();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function snapshot(): number {
  // While stopped the clock is stale; whole seconds keep repeated reads equal within a render.
  if (!timer) now = wholeSecond();
  return now;
}

/** Current time in ms, re-rendering the caller once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

/**
 * Current time rounded down to `stepMs`, re-rendering the caller only when that changes: for
 * views (timelines) that need not move every second.
 */
export function useNowEvery(stepMs: number): number {
  return useSyncExternalStore(subscribe, () => Math.floor(Date.now() / stepMs) * stepMs);
}
