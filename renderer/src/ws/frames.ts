import type { Reply } from '../../../shared/api.js';
import type { ErrorInfo } from '../../../shared/types.js';
import { decodeFrame, encodeFrame, type ClientFrame, type ServerFrame } from '../../../shared/wire.js';

/**
 * A call as the WebSocket sends it: JSON text, or one binary frame when the arguments carry
 * bytes in a top-level `data` field (terminal input). See shared/wire.ts.
 */
export function encodeCall(id: number, method: string, args: unknown): string | Uint8Array<ArrayBuffer> {
  const frame: ClientFrame = { t: 'call', id, method, args };
  // encodeFrame allocates a fresh ArrayBuffer for a binary frame, never a shared one.
  return encodeFrame(frame) as string | Uint8Array<ArrayBuffer>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorInfo(value: unknown): value is ErrorInfo {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

function toReply(value: unknown): Reply | null {
  if (!isRecord(value)) return null;
  // JSON drops an undefined result, so a void method's reply may carry no `result` at all.
  if (value.ok === true) return { ok: true, result: value.result };
  if (value.ok === false && isErrorInfo(value.error)) return { ok: false, error: value.error };
  return null;
}

/**
 * Parses one frame from the server: text (JSON), or binary (an event whose payload's `data`
 * is bytes, e.g. terminal output; the bytes stay a Uint8Array). Null for anything malformed.
 */
export function parseServerFrame(raw: string | Uint8Array): ServerFrame | null {
  let value: unknown;
  try {
    value = decodeFrame(raw);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  if (value.t === 'reply' && typeof value.id === 'number' && Number.isInteger(value.id)) {
    const reply = toReply(value.reply);
    return reply ? { t: 'reply', id: value.id, reply } : null;
  }
  if (value.t === 'event' && typeof value.event === 'string') {
    return { t: 'event', event: value.event, payload: value.payload };
  }
  return null;
}

/** What a WebSocket message event carries, as parseServerFrame takes it. */
export function messageBytes(data: unknown): string | Uint8Array | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
