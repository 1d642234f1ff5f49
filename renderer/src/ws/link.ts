/** Whether the renderer can currently reach the Enclave backend (not Incus: see system.status). */
export type LinkState = 'connecting' | 'connected' | 'reconnecting';

export interface BackendLink {
  getState(): LinkState;
  /** Called on every change; a change to 'connected' after 'reconnecting' means events were missed. */
  subscribe(listener: (state: LinkState) => void): () => void;
}

/** The Electron IPC transport has no connection to lose. */
export const steadyLink: BackendLink = {
  getState: () => 'connected',
  subscribe: () => () => {},
};
