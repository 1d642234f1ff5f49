import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EnclaveBridge, Reply } from '../shared/api.js';

// Channel names are repeated here rather than imported: a sandboxed preload is bundled alone.
const INVOKE_CHANNEL = 'enclave:invoke';
const EVENT_CHANNEL = 'enclave:event';

const bridge: EnclaveBridge = {
  call: (method, args) => ipcRenderer.invoke(INVOKE_CHANNEL, method, args) as Promise<Reply>,
  on(event, listener) {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('enclave', bridge);
