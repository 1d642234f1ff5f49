import { EventEmitter } from 'node:events';
import type { WebSocket } from 'undici';
import type { IncusClient } from './client.js';

export interface IncusEvent<M = Record<string, unknown>> {
  type: 'lifecycle' | 'operation' | 'logging';
  timestamp: string;
  project?: string;
  location?: string;
  metadata: M;
}

export interface LifecycleMetadata {
  action: string;
  source: string;
  context?: Record<string, unknown>;
  requestor?: { username?: string; protocol?: string; address?: string };
}

export interface EventStreamEvents {
  event: [IncusEvent];
  /** Fired on every (re)connect: state may have changed meanwhile, so listeners resync. */
  connected: [];
  disconnected: [Error | null];
}

/**
 * One /1.0/events websocket that reconnects by itself with backoff. Incus does not resend
 * what was missed while disconnected; `connected` tells listeners to resync.
 */
export class EventStream extends EventEmitter<EventStreamEvents> {
  private ws: WebSocket | null = null;
  private stopped = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | null = null;
  private isOpen = false;

  constructor(
    private readonly client: IncusClient,
    private readonly types: string[] = ['lifecycle', 'operation'],
    private readonly maxRetryMs = 5_000,
  ) {
    super();
  }

  get connected(): boolean {
    return this.isOpen;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Reconnect now instead of waiting out the backoff (e.g. when a request just succeeded). */
  kick(): void {
    if (this.stopped || this.ws) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retryMs = 250;
    this.open();
  }

  private open(): void {
    const ws = this.client.websocket('/1.0/events', { type: this.types.join(',') });
    this.ws = ws;
    ws.onopen = () => {
      this.isOpen = true;
      this.retryMs = 250;
      this.emit('connected');
    };
    ws.onmessage = (msg) => {
      const text = typeof msg.data === 'string' ? msg.data : Buffer.from(msg.data as ArrayBuffer).toString('utf8');
      let parsed: IncusEvent;
      try {
        parsed = JSON.parse(text) as IncusEvent;
      } catch {
        return;
      }
      this.emit('event', parsed);
    };
    let failure: Error | null = null;
    ws.onerror = (e) => {
      failure = (e as unknown as { error?: Error }).error ?? new Error('events websocket error');
    };
    ws.onclose = () => {
      const wasOpen = this.isOpen;
      this.isOpen = false;
      this.ws = null;
      if (wasOpen || failure) this.emit('disconnected', failure);
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.stopped) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close();
    this.ws = null;
    this.isOpen = false;
  }
}
