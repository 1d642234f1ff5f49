/** Frames of the WebSocket transport (browser mode). JSON text frames, one message each. */
import type { Reply } from './api.js';

export type ClientFrame = { t: 'call'; id: number; method: string; args: unknown };

export type ServerFrame =
  | { t: 'reply'; id: number; reply: Reply }
  | { t: 'event'; event: string; payload: unknown };

/** Path of the WebSocket endpoint; the access token rides in the `token` query parameter. */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
