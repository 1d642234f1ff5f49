import type { EnclaveApi, EnclaveBridge } from '../../shared/api.js';
import { apiFromBridge } from '../../shared/bridge.js';
import { type BackendLink, steadyLink } from './ws/link.js';
import { backendSocketUrl } from './ws/url.js';
import { createWsClient } from './ws/ws-client.js';

declare global {
  interface Window {
    /** Electron's preload exposes the bridge; in a browser the WebSocket client provides it. */
    enclave?: EnclaveBridge;
  }
}

const preloaded = window.enclave;

function connect(): { bridge: EnclaveBridge; link: BackendLink } {
  if (preloaded) return { bridge: preloaded, link: steadyLink };
  const client = createWsClient(backendSocketUrl(window.location));
  window.enclave = client.bridge;
  return client;
}

const connection = connect();

export const enclave: EnclaveApi = apiFromBridge(connection.bridge);
export const backendLink: BackendLink = connection.link;
/** True in Electron, where the bridge came from the preload (and the main process shows OS notifications). */
export const fromPreload: boolean = preloaded !== undefined;
