/**
 * What a backend must provide to serve the contract (shared/api.ts): one handler per request,
 * typed from its schema and result, and what a handler learns about its caller. It lives with
 * the contract so that a backend missing a method, or answering with the wrong type, fails to
 * compile against the contract itself. Types only: the renderer never loads it.
 */
import type { z } from 'zod';
import type { EventName, EventOf, RequestName, Requests, ResultOf } from './api.js';

/** A registration that can be undone: disposing it removes what was added. */
export interface ContractDisposable {
  dispose(): void;
}

/**
 * One connected renderer as a handler sees it: where targeted events (such as a terminal's
 * output) go, and when it goes away.
 */
export interface ContractLink {
  readonly id: string;
  push<E extends EventName>(event: E, payload: EventOf<E>): void;
  /** Called once when the renderer goes away; dispose the result when no longer interested. */
  onClose(listener: () => void): ContractDisposable;
}

/** What a handler learns about its caller. */
export interface CallContext {
  /** Absent when a call comes from inside the process (tests, benchmarks) with no renderer. */
  client: ContractLink | null;
}

/** What a backend provides: one function per request, typed from the contract. */
export type Handlers = {
  [K in RequestName]: (args: z.output<Requests[K]['args']>, ctx: CallContext) => Promise<ResultOf<K>>;
};
