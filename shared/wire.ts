/**
 * Frames of the WebSocket transport (browser mode). A frame is JSON text, except when the
 * call's arguments or the event's payload hold bytes in a top-level `data` field (terminal
 * input and output): then it is one binary frame, [u32 BE header length][header JSON][bytes],
 * and the bytes go back into `data` on the other side. Bytes are never turned into text.
 */
import type { Reply } from './api.js';

export type ClientFrame = { t: 'call'; id: number; method: string; args: unknown };

export type ServerFrame =
  | { t: 'reply'; id: number; reply: Reply }
  | { t: 'event'; event: string; payload: unknown };

/** Path of the WebSocket endpoint; the access token rides in the `token` query parameter. */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';

type Frame = ClientFrame | ServerFrame;

function bytesHolder(frame: Frame): Record<string, unknown> | null {
  const holder = frame.t === 'call' ? frame.args : frame.t === 'event' ? frame.payload : null;
  return holder !== null && typeof holder === 'object' && (holder as { data?: unknown }).data instanceof Uint8Array
    ? (holder as Record<string, unknown>)
    : null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A string for a text frame, or bytes for a binary one. */
export function encodeFrame(frame: Frame): string | Uint8Array {
  const holder = bytesHolder(frame);
  if (!holder) return JSON.stringify(frame);
  const data = holder.data as Uint8Array;
  const rest = { ...holder, data: null };
  const header = encoder.encode(
    JSON.stringify(frame.t === 'call' ? { ...frame, args: rest } : { ...frame, payload: rest }),
  );
  const out = new Uint8Array(4 + header.byteLength + data.byteLength);
  new DataView(out.buffer).setUint32(0, header.byteLength);
  out.set(header, 4);
  out.set(data, 4 + header.byteLength);
  return out;
}

/** Parses a frame of either kind; throws on anything malformed. */
export function decodeFrame(raw: string | Uint8Array): unknown {
  if (typeof raw === 'string') return JSON.parse(raw);
  if (raw.byteLength < 4) throw new Error('binary frame shorter than its header length');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const headerLength = view.getUint32(0);
  if (headerLength > raw.byteLength - 4) throw new Error('binary frame header overruns the frame');
  const frame = JSON.parse(decoder.decode(raw.subarray(4, 4 + headerLength))) as Frame;
  const holder = frame.t === 'call' ? frame.args : frame.t === 'event' ? frame.payload : null;
  if (holder === null || typeof holder !== 'object' || !('data' in holder)) {
    throw new Error('binary frame without a data field to carry its bytes');
  }
  (holder as Record<string, unknown>).data = raw.subarray(4 + headerLength);
  return frame;
}
