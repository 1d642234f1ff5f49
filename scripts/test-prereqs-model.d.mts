export type SocketState = 'answers' | 'missing' | 'not-responding' | 'permission-denied' | 'untrusted';
export interface Facts {
  socket: SocketState;
  socketPath: string;
  /** INCUS_SOCKET names a socket other than the local daemon's. */
  customSocket: boolean;
  poolName: string;
  pool: 'ok' | 'missing' | { driver: string };
  imageAlias: string;
  /** What the setup script builds; null when the script is missing. */
  imageVersion: string | null;
  image: 'ok' | 'missing' | { version: string | null };
  chromium: boolean;
  root: boolean;
  scriptPresent: boolean;
}
export type Decision =
  | { action: 'ready'; missing: string[] }
  | { action: 'setup'; missing: string[] }
  | { action: 'tell'; missing: string[]; command: string; why: string };
export const SETUP_COMMAND: string;
export const GROUP_COMMAND: string;
export function imageVersionOf(scriptText: string): string | null;
export function missingParts(f: Facts): string[];
export function decide(f: Facts): Decision;
