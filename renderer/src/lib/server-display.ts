/**
 * How servers and agent refs read on screen: a card shows the bare agent name, and a server
 * badge only once there is more than one server to tell apart.
 */
import { parseAgentRef, type ServerInfo, type ServerSource } from '../../../shared/servers.js';
import type { ConnectionProblem, ConnectionStatus } from '../../../shared/types.js';
import { formatDuration } from './time.js';

/** The agent's own name, without its server. */
export function displayName(ref: string): string {
  return parseAgentRef(ref).name;
}

/** The server a ref names (LOCAL_SERVER for a bare name). */
export function serverOfRef(ref: string): string {
  return parseAgentRef(ref).server;
}

/** Badges are noise with one server; they tell servers apart once there are two. */
export function showServerBadges(servers: readonly Pick<ServerInfo, 'name'>[]): boolean {
  return servers.length > 1;
}

/** What a card's badge says: the server, and the cluster member when the agent has one. */
export function badgeText(server: string, location: string | null): string {
  return location ? `${server} · ${location}` : server;
}

export type ServerChipState = ConnectionStatus['state'];

export const CHIP_LABELS: Record<ServerChipState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  unavailable: 'Unavailable',
};

export interface ServerProblemView {
  problem: ConnectionProblem;
  message: string;
  hint: string;
  /** The pinned certificate no longer matches: never retried silently, shown as a warning. */
  certificateChanged: boolean;
  nextRetryAt: string | null;
}

/** The problem to show on a server's entry and header, or null when it has none. */
export function serverProblem(status: ConnectionStatus): ServerProblemView | null {
  if (status.state !== 'unavailable') return null;
  const certificateChanged = status.problem === 'certificate-changed';
  return {
    problem: status.problem,
    message: status.message,
    hint: status.hint,
    certificateChanged,
    nextRetryAt: certificateChanged ? null : status.nextRetryAt,
  };
}

/** Whether a server's cards are the last known state (greyed, their actions off). */
export function serverStale(status: ConnectionStatus | undefined): boolean {
  return status !== undefined && status.state !== 'connected';
}

export const SOURCE_LABELS: Record<ServerSource, string> = {
  local: 'Local socket',
  cli: 'incus CLI remote',
  enclave: 'Added in Enclave',
};

export const CLIENT_CERT_LABELS: Record<'enclave' | 'cli', string> = {
  enclave: "Enclave's own",
  cli: "The incus CLI's",
};

/** "3f2a9c1e…b04d": enough to recognise a pinned certificate at a glance. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length <= 16 ? fingerprint : `${fingerprint.slice(0, 8)}…${fingerprint.slice(-4)}`;
}

/** The whole fingerprint in blocks of four, for comparing it with `incus info` by eye. */
export function groupedFingerprint(fingerprint: string): string {
  return (fingerprint.match(/.{1,4}/g) ?? []).join(' ');
}

/** Tooltip of a control that needs a server that does not answer. */
export function needsServerText(server: string): string {
  return `Needs ${server}, which is not answering: available again once it is back.`;
}

/** "Next try in 12 s", or "Trying again…" once that time has come. */
export function nextTryText(nextRetryAt: string, now: number): string {
  const at = Date.parse(nextRetryAt);
  if (Number.isNaN(at)) return '';
  const wait = at - now;
  return wait <= 1000 ? 'Trying again…' : `Next try in ${formatDuration(wait)}`;
}

/** The bare names taken on `server`, from refs of every server. */
export function takenOn(server: string, refs: Iterable<string>): string[] {
  const names: string[] = [];
  for (const ref of refs) {
    const parts = parseAgentRef(ref);
    if (parts.server === server) names.push(parts.name);
  }
  return names;
}
