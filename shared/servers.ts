/**
 * Servers: every Incus daemon Enclave shows (the local socket, remotes over HTTPS, cluster
 * members). Agents on a server other than the local one are named `server:agent`, the incus
 * CLI's own spelling; a local agent's ref is its bare name.
 */
import type { ConnectionStatus } from './types.js';
import { agentNameProblem } from './names.js';

/** The server behind the local unix socket (the incus CLI's name for it too). */
export const LOCAL_SERVER = 'local';

export const SERVER_NAME_RULE =
  'A server name is 1–63 characters of letters, digits, dots, dashes and underscores, starting with a letter or digit.';

export function serverNameProblem(name: string): string | null {
  if (name.length === 0) return `The server name is empty. ${SERVER_NAME_RULE}`;
  if (name.length > 63) return `"${name.slice(0, 20)}…" is ${name.length} characters long. ${SERVER_NAME_RULE}`;
  const bad = name.match(/[^A-Za-z0-9._-]/);
  if (bad) return `"${name}" contains "${bad[0]}". ${SERVER_NAME_RULE}`;
  if (!/^[A-Za-z0-9]/.test(name)) return `"${name}" must start with a letter or digit. ${SERVER_NAME_RULE}`;
  return null;
}

export interface AgentRefParts {
  server: string;
  name: string;
}

/** `server:name` (or a bare local name) split; `local:x` is the same agent as `x`. */
export function parseAgentRef(ref: string): AgentRefParts {
  const i = ref.indexOf(':');
  if (i < 0) return { server: LOCAL_SERVER, name: ref };
  return { server: ref.slice(0, i), name: ref.slice(i + 1) };
}

/** The ref the contract uses for `name` on `server`: bare on the local server. */
export function agentRef(server: string, name: string): string {
  return server === LOCAL_SERVER ? name : `${server}:${name}`;
}

export function agentRefProblem(ref: string): string | null {
  const { server, name } = parseAgentRef(ref);
  if (ref.includes(':')) {
    const s = serverNameProblem(server);
    if (s) return s;
  }
  return agentNameProblem(name);
}

/** Where a server's entry came from: the local socket, the incus CLI's remotes, or added in Enclave. */
export type ServerSource = 'local' | 'cli' | 'enclave';

/** A cluster member as Incus reports it, with its load when it answered. */
export interface ClusterMember {
  name: string;
  url: string;
  /** Incus's words: Online, Offline, Evacuated, Blocked. */
  status: string;
  message: string;
  roles: string[];
  /** From the member's state; null when it did not answer. */
  load: { cpus: number; load1: number; memoryUsedBytes: number; memoryTotalBytes: number } | null;
  /** Agents of Enclave's project placed on it. */
  agents: number;
}

export interface ServerInfo {
  name: string;
  /** The socket path, or https://host:port. */
  address: string;
  source: ServerSource;
  /** The server certificate's SHA-256 (hex) that is pinned; null for the local socket. */
  fingerprint: string | null;
  /** Which client certificate Enclave presents: its own or the incus CLI's; null on the socket. */
  clientCertificate: 'enclave' | 'cli' | null;
  status: ConnectionStatus;
  /** Members when the server is clustered, else null. */
  cluster: ClusterMember[] | null;
}

/** What a first contact shows the user before anything is pinned. */
export interface ServerProbe {
  /** Normalised to https://host:port. */
  address: string;
  fingerprint: string;
  subject: string;
  notAfter: string;
  /** What the server says about this client (untrusted until a token join or `incus config trust add-certificate`). */
  auth: 'trusted' | 'untrusted';
  serverName: string | null;
}

/** The parts of an Incus trust token (base64 JSON) Enclave reads. */
export interface TrustToken {
  clientName: string;
  fingerprint: string;
  addresses: string[];
  secret: string;
  expiresAt: string | null;
}
