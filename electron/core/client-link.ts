import type { ContractLink } from '../../shared/handlers.js';
import type { Disposable } from './disposable.js';

export type { CallContext } from '../../shared/handlers.js';

/**
 * One connected renderer (a WebSocket client, or an Electron page load) as the services see
 * it: the contract's link (shared/handlers.ts), its registrations the backend's Disposable.
 */
export interface ClientLink extends ContractLink {
  /** Called once when the renderer goes away; dispose the result when no longer interested. */
  onClose(listener: () => void): Disposable;
}
