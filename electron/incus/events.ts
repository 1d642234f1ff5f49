import { EventEmitter } from 'node:events';
import type { WebSocket } from 'undici';
import type { IncusClient } from './client.js';

/** Who asked Incus for a change, as far as it tells (nothing for its own scheduler). */
export interface Requestor {
  username?: string;
  protocol?: string;
  address?: string;
}

export interface LifecycleMetadata {
  /** "instance-started", "profile-updated", … */
  action: string;
  /** The object's API path ("/1.0/instances/a?project=p"); '' when Incus names none. */
  source: string;
  context: Record<string, unknown>;
  requestor: Requestor | null;
}

export interface OperationMetadata {
  id: string;
  /** "Running", "Success", "Failure", "Cancelled", … */
  status: string;
  description: string;
  may_cancel: boolean;
  /** The operation's own progress fields ("create_instance_from_image_unpack_progress", …). */
  metadata: Record<string, unknown> | null;
  err: string;
}

interface EventBase {
  timestamp: string;
  project?: string;
  location?: string;
}

/**
 * The Incus events Enclave uses, decoded and checked once where the stream parses a frame:
 * consumers switch on `type` and read typed fields, with no casts.
 */
export type IncusEvent =
  | (EventBase & { type: 'lifecycle'; metadata: LifecycleMetadata })
  | (EventBase & { type: 'operation'; metadata: OperationMetadata })
  /** Any other type Incus sends ("logging", …), as it came. */
  | (EventBase & { type: 'other'; kind: string; metadata: Record<string, unknown> });

export type LifecycleEvent = Extract<IncusEvent, { type: 'lifecycle' }>;
export type OperationEvent = Extract<IncusEvent, { type: 'operation' }>;

export type Decoded = { ok: true; event: IncusEvent } | { ok: false; reason: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An optional field of `type`: its value, the fallback when absent, or undefined when of another type. */
function field<T>(obj: Record<string, unknown>, key: string, check: (v: unknown) => v is T, fallback: T): T | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  return check(v) ? v : undefined;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

function decodeRequestor(v: unknown): Requestor | null | undefined {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) return undefined;
  const r: Requestor = {};
  for (const key of ['username', 'protocol', 'address'] as const) {
    const x = v[key];
    if (x === undefined || x === null || x === '') continue;
    if (typeof x !== 'string') return undefined;
    r[key] = x;
  }
  return r;
}

function decodeLifecycle(m: Record<string, unknown>): LifecycleMetadata | string {
  if (typeof m.action !== 'string' || !m.action) return 'a lifecycle event without an action';
  const source = field(m, 'source', isString, '');
  if (source === undefined) return `lifecycle ${m.action}: source is not a string`;
  const context = field(m, 'context', isRecord, {});
  if (context === undefined) return `lifecycle ${m.action}: context is not an object`;
  const requestor = decodeRequestor(m.requestor);
  if (requestor === undefined) return `lifecycle ${m.action}: requestor is malformed`;
  return { action: m.action, source, context, requestor };
}

function decodeOperation(m: Record<string, unknown>): OperationMetadata | string {
  if (typeof m.id !== 'string' || !m.id) return 'an operation event without an id';
  const status = field(m, 'status', isString, '');
  const description = field(m, 'description', isString, '');
  const mayCancel = field(m, 'may_cancel', isBoolean, false);
  const err = field(m, 'err', isString, '');
  const metadata = m.metadata === undefined || m.metadata === null ? null : isRecord(m.metadata) ? m.metadata : undefined;
  if (status === undefined || description === undefined || mayCancel === undefined || err === undefined || metadata === undefined) {
    return `operation ${m.id}: a field has the wrong type`;
  }
  return { id: m.id, status, description, may_cancel: mayCancel, metadata, err };
}

/** Checks one parsed event frame and gives it its type, or says why it is malformed. */
export function decodeEvent(raw: unknown): Decoded {
  if (!isRecord(raw)) return { ok: false, reason: 'not a JSON object' };
  if (typeof raw.type !== 'string' || !raw.type) return { ok: false, reason: 'no type' };
  if (!isRecord(raw.metadata)) return { ok: false, reason: `${raw.type} event without metadata` };
  const base: EventBase = { timestamp: typeof raw.timestamp === 'string' ? raw.timestamp : '' };
  if (typeof raw.project === 'string') base.project = raw.project;
  if (typeof raw.location === 'string') base.location = raw.location;
  if (raw.type === 'lifecycle') {
    const m = decodeLifecycle(raw.metadata);
    return typeof m === 'string' ? { ok: false, reason: m } : { ok: true, event: { ...base, type: 'lifecycle', metadata: m } };
  }
  if (raw.type === 'operation') {
    const m = decodeOperation(raw.metadata);
    return typeof m === 'string' ? { ok: false, reason: m } : { ok: true, event: { ...base, type: 'operation', metadata: m } };
  }
  return { ok: true, event: { ...base, type: 'other', kind: raw.type, metadata: raw.metadata } };
}

/** Parses and decodes one frame of the events websocket. */
export function decodeFrame(text: string): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: `not JSON (${text.length} bytes)` };
  }
  return decodeEvent(parsed);
}

/** Warnings about dropped frames: the first, then at each power of ten, so a flood cannot fill the log. */
function shouldWarn(count: number): boolean {
  return count > 0 && 10 ** Math.floor(Math.log10(count)) === count;
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
  /** Frames dropped as malformed since the stream was made. */
  dropped = 0;
  private ws: WebSocket | null = null;
  private stopped = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | null = null;
  private isOpen = false;

  constructor(
    private readonly client: IncusClient,
    private readonly types: string[] = ['lifecycle', 'operation'],
    private readonly maxRetryMs = 5_000,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
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
      this.onFrame(text);
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

  /** Emits a frame's event once decoded; a malformed one is dropped and counted, never thrown. */
  onFrame(text: string): void {
    const decoded = decodeFrame(text);
    if (decoded.ok) {
      this.emit('event', decoded.event);
      return;
    }
    this.dropped++;
    if (shouldWarn(this.dropped)) this.warn(`Incus events: dropped a malformed event (${decoded.reason.slice(0, 200)}); ${this.dropped} so far.`);
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
