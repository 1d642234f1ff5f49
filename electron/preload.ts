import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EnclaveBridge, Reply } from '../shared/api.js';

// Channel names are repeated here rather than imported: a sandboxed preload is bundled alone.
const INVOKE_CHANNEL = 'enclave:invoke';
const EVENT_CHANNEL = 'enclave:event';

type Listener = (payload: unknown) => void;

/**
 * Subscriptions by event name. One ipcRenderer listener serves them all: a subscription is an
 * entry in a set, so subscribing and unsubscribing cost nothing of Electron's, and the same
 * function subscribed twice is two subscriptions, each removed by its own unsubscribe.
 */
const subscriptions = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  const listeners = subscriptions.get(name);
  if (!listeners) return;
  for (const listener of [...listeners]) {
    try {
      listener(payload);
    } catch (err) {
      // One failing listener does not keep the event from the others.
      console.error(`A listener of ${name} failed:`, err);
    }
  }
});

const bridge: EnclaveBridge = {
  call: (method, args) => ipcRenderer.invoke(INVOKE_CHANNEL, method, args) as Promise<Reply>,
  on(event, listener) {
    const entry: Listener = (payload) => listener(payload);
    let listeners = subscriptions.get(event);
    if (!listeners) subscriptions.set(event, (listeners = new Set()));
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && subscriptions.get(event) === listeners) subscriptions.delete(event);
    };
  },
};

contextBridge.exposeInMainWorld('enclave', bridge);
