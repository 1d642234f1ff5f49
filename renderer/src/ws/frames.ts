import type { Reply } from '../../../shared/api.js';
import type { ErrorInfo } from '../../../shared/types.js';
import type { ClientFrame, ServerFrame } from '../../../shared/wire.js';

export function encodeCall(id: number, method: string, args: unknown): string {
  const frame: ClientFrame = { t: 'call', id, method, args };
  return JSON.stringify(frame);
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

/** Parses one text frame from the server; null for anything that is not a well-formed frame. */
export function parseServerFrame(text: string): ServerFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
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
