/**
 * The Add server form: its fields checked as they are typed, by the very schemas the backend
 * checks them with (shared/api.ts), plus a name already taken; and which field a failed call
 * belongs on.
 */
import { requests } from '../../../shared/api.js';
import { serverNameProblem } from '../../../shared/servers.js';
import type { ErrorCode } from '../../../shared/types.js';
import { EnclaveError } from '../../../shared/errors.js';

export type TrustMethod = 'token' | 'fingerprint';

export interface AddServerDraft {
  name: string;
  address: string;
  method: TrustMethod;
  token: string;
}

export const EMPTY_ADD_SERVER: AddServerDraft = { name: '', address: '', method: 'token', token: '' };

export type AddServerField = 'name' | 'address' | 'token' | 'confirm';

export function addressProblem(address: string): string | null {
  const parsed = requests['servers.probe'].args.safeParse({ address: address.trim() });
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'That is not a server address.');
}

export function nameProblem(name: string, taken: readonly string[]): string | null {
  const trimmed = name.trim();
  return serverNameProblem(trimmed) ?? (taken.includes(trimmed) ? `A server named ${trimmed} already exists; choose another name.` : null);
}

export function tokenProblem(token: string): string | null {
  const parsed = requests['servers.add'].args.safeParse({ name: 'x', address: 'x', token: token.trim() });
  if (parsed.success) return null;
  return parsed.error.issues.find((issue) => issue.path[0] === 'token')?.message ?? null;
}

/** Each field's problem; the token only counts when the token is the chosen way. */
export function draftProblems(draft: AddServerDraft, taken: readonly string[]): Partial<Record<AddServerField, string>> {
  const problems: Partial<Record<AddServerField, string>> = {};
  const name = nameProblem(draft.name, taken);
  if (name) problems.name = name;
  const address = addressProblem(draft.address);
  if (address) problems.address = address;
  if (draft.method === 'token') {
    const token = tokenProblem(draft.token);
    if (token) problems.token = token;
  }
  return problems;
}

/** A name from the address's host ("https://lab.example:8443" → "lab"), free among `taken`. */
export function suggestServerName(address: string, taken: readonly string[]): string {
  const host = address.trim().replace(/^https:\/\//, '').replace(/^\[|\].*$/g, '').split(/[:/]/)[0] ?? '';
  const first = /^[0-9.]+$/.test(host) ? '' : (host.split('.')[0] ?? '');
  const base = first.replace(/[^A-Za-z0-9._-]/g, '').replace(/^[^A-Za-z0-9]+/, '').slice(0, 50) || 'server';
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

function codeOf(error: unknown): ErrorCode | null {
  return error instanceof EnclaveError ? error.code : null;
}

/**
 * Where a failure of servers.probe or servers.add is shown: a name clash on the name, a wrong
 * address (unreachable, not Incus) on the address, a refused token on the token; what the
 * server says after the user confirmed a fingerprint stays with that confirmation.
 */
export function errorField(call: 'probe' | 'add', method: TrustMethod, error: unknown): AddServerField {
  if (call === 'probe') return 'address';
  const code = codeOf(error);
  if (code === 'conflict') return 'name';
  if (code === 'unavailable' || code === 'not-found') return 'address';
  return method === 'token' ? 'token' : 'confirm';
}
