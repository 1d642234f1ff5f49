import type { EventName, EventOf } from '../../shared/api.js';

/**
 * One connected renderer (a WebSocket client, or an Electron page load) as the services see
 * it: where targeted events such as terminal output go, and when it goes away.
 */
export interface ClientLink {
  readonly id: string;
  push<E extends EventName>(event: E, payload: EventOf<E>): void;
  onClose(listener: () => void): void;
}

/** What a handler learns about its caller. */
export interface CallContext {
  /** Absent when a call comes from inside the process (tests, benchmarks) with no renderer. */
  client: ClientLink | null;
}
