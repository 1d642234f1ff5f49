import type { EventName, EventOf } from '../../shared/api.js';
import type { Disposable } from './disposable.js';

/**
 * One connected renderer (a WebSocket client, or an Electron page load) as the services see
 * it: where targeted events such as terminal output go, and when it goes away.
 */
export interface ClientLink {
  readonly id: string;
  push<E extends EventName>(event: E, payload: EventOf<E>): void;
  /** Called once when the renderer goes away; dispose the result when no longer interested. */
  onClose(listener: () => void): Disposable;
}

/** What a handler learns about its caller. */
export interface CallContext {
  /** Absent when a call comes from inside the process (tests, benchmarks) with no renderer. */
  client: ClientLink | null;
}
