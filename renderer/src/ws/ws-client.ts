import type { EnclaveBridge, Reply } from '../../../shared/api.js';
import { reconnectDelay } from './backoff.js';
import { encodeCall, messageBytes, parseServerFrame } from './frames.js';
import type { BackendLink, LinkState } from './link.js';
import { PendingCalls } from './pending-calls.js';

export const LOST_CONNECTION = 'Lost the connection to the Enclave backend';

export interface WsClientOptions {
  /** How long a call made while disconnected waits for the connection before failing. */
  waitForConnectionMs?: number;
}

export interface WsClient {
  /** What the preload exposes under Electron; shared/bridge.ts makes it the typed API. */
  readonly bridge: EnclaveBridge;
  readonly link: BackendLink;
}

type Listener = (payload: unknown) => void;

/** The browser-mode bridge: one WebSocket to the backend that reconnects by itself. */
export function createWsClient(url: string, options: WsClientOptions = {}): WsClient {
  const waitMs = options.waitForConnectionMs ?? 10_000;
  const pending = new PendingCalls();
  const waiting = new Set<() => void>();
  const listeners = new Map<string, Set<Listener>>();
  const linkListeners = new Set<(state: LinkState) => void>();
  let state: LinkState = 'connecting';
  let socket: WebSocket | null = null;
  let attempt = 0;

  function setState(next: LinkState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...linkListeners]) listener(next);
  }

  function emit(event: string, payload: unknown): void {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`Listener for ${event} failed`, error);
      }
    }
  }

  function scheduleReconnect(): void {
    setState('reconnecting');
    setTimeout(connect, reconnectDelay(attempt++));
  }

  function connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (error) {
      console.error('Cannot open the backend WebSocket', error);
      scheduleReconnect();
      return;
    }
    // Terminal output arrives as binary frames; bytes stay bytes up to xterm.write.
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      for (const sendWaiting of [...waiting]) sendWaiting();
      setState('connected');
    };
    ws.onmessage = (message: MessageEvent) => {
      const raw = messageBytes(message.data);
      const frame = raw === null ? null : parseServerFrame(raw);
      if (!frame) {
        console.warn('Ignored a malformed frame from the backend');
      } else if (frame.t === 'reply') {
        pending.settle(frame.id, frame.reply);
      } else {
        emit(frame.event, frame.payload);
      }
    };
    // An 'error' event is always followed by 'close', so reconnecting is handled there alone.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      pending.failAll({ code: 'unavailable', message: LOST_CONNECTION });
      scheduleReconnect();
    };
  }

  function send(ws: WebSocket, method: string, args: unknown): Promise<Reply> {
    const { id, reply } = pending.open();
    try {
      ws.send(encodeCall(id, method, args));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      pending.settle(id, { ok: false, error: { code: 'internal', message: `Could not send ${method}: ${message}` } });
    }
    return reply;
  }

  function call(method: string, args: unknown): Promise<Reply> {
    if (socket && socket.readyState === WebSocket.OPEN) return send(socket, method, args);
    return new Promise((resolve) => {
      const sendWhenOpen = () => {
        clearTimeout(timer);
        waiting.delete(sendWhenOpen);
        if (socket) void send(socket, method, args).then(resolve);
      };
      const timer = setTimeout(() => {
        waiting.delete(sendWhenOpen);
        resolve({
          ok: false,
          error: {
            code: 'unavailable',
            message: `${LOST_CONNECTION}: still reconnecting after ${Math.round(waitMs / 1000)} s. Is Enclave still running?`,
          },
        });
      }, waitMs);
      waiting.add(sendWhenOpen);
    });
  }

  connect();

  return {
    link: {
      getState: () => state,
      subscribe(listener) {
        linkListeners.add(listener);
        return () => {
          linkListeners.delete(listener);
        };
      },
    },
    bridge: {
      call,
      on(event, listener) {
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        set.add(listener);
        return () => {
          set.delete(listener);
        };
      },
    },
  };
}
