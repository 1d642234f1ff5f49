/** Integration-test support: records what a Backend pushes, and waits for a matching event. */
import { events, type EventName, type EventOf } from '../../shared/api.js';
import type { Backend } from '../core/backend.js';

export interface Recorded<E extends EventName = EventName> {
  event: E;
  payload: EventOf<E>;
  at: number;
}

export interface Recorder {
  readonly log: Recorded[];
  /** Recorded payloads of one event stream, in order. */
  of<E extends EventName>(event: E): EventOf<E>[];
  /** Resolves with the first payload (already recorded after `since`, or arriving) that matches. */
  waitFor<E extends EventName>(
    event: E,
    match: (payload: EventOf<E>) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<Recorded<E>>;
  stop(): void;
}

export function recordEvents(backend: Backend): Recorder {
  const log: Recorded[] = [];
  const waiters = new Set<(r: Recorded) => void>();
  const offs: (() => void)[] = [];
  for (const event of Object.keys(events) as EventName[]) {
    const listener = (payload: unknown) => {
      const r = { event, payload, at: Date.now() } as Recorded;
      log.push(r);
      for (const w of [...waiters]) w(r);
    };
    backend.events.on(event, listener as never);
    offs.push(() => backend.events.off(event, listener as never));
  }
  return {
    log,
    of: <E extends EventName>(event: E) => log.filter((r) => r.event === event).map((r) => r.payload as EventOf<E>),
    waitFor<E extends EventName>(event: E, match: (p: EventOf<E>) => boolean, timeoutMs = 10_000, since = -1) {
      const hit = (r: Recorded) => r.event === event && r.at >= since && match(r.payload as EventOf<E>);
      const done = since >= 0 ? log.find(hit) : undefined;
      if (done) return Promise.resolve(done as Recorded<E>);
      return new Promise<Recorded<E>>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (r: Recorded) => {
          if (!hit(r)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(r as Recorded<E>);
        };
        waiters.add(check);
      });
    },
    stop: () => offs.forEach((o) => o()),
  };
}
