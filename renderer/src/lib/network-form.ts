/**
 * The network policy form: a mode, allowlist rows typed as text, and bandwidth in and out.
 * Checked with shared/network.ts, the rules the contract's `networkPolicy` schema applies, so
 * the user sees the same specific message before anything is sent.
 */
import {
  BANDWIDTH_RULE,
  HOST_RULE,
  MAX_ALLOW_ENTRIES,
  MAX_ALLOW_PORTS,
  allowHostProblem,
  bandwidthProblem,
  portProblem,
} from '../../../shared/network.js';
import type { AgentNetwork, NetworkMode, NetworkPolicy } from '../../../shared/types.js';

export const MODE_LABELS: Record<NetworkMode, string> = {
  none: 'None',
  restricted: 'Restricted',
  allowlist: 'Allowlist',
  open: 'Open',
};

/** What each mode allows and blocks, in one line. */
export const MODE_EXPLANATIONS: Record<NetworkMode, string> = {
  none: 'No network at all: the agent has no network interface.',
  restricted: 'Internet only: private ranges, the host and cloud metadata are blocked.',
  allowlist: 'Only the listed hosts and ports; everything else is blocked.',
  open: 'Anything, except the other agents.',
};

export const PORTS_RULE = `Ports are whole numbers from 1 to 65535, separated by commas (at most ${MAX_ALLOW_PORTS}); empty means any port.`;
export { BANDWIDTH_RULE, HOST_RULE };

/** What a policy is when nothing else says: the contract's default for new agents. */
export const FALLBACK_POLICY: NetworkPolicy = { mode: 'restricted', allow: [], ingress: '', egress: '' };

export interface AllowRowDraft {
  /** Stable across edits, for React keys and per-row errors. */
  id: number;
  host: string;
  /** As typed, e.g. "443, 80". */
  ports: string;
}

export interface NetworkDraft {
  mode: NetworkMode;
  allow: AllowRowDraft[];
  ingress: string;
  egress: string;
}

let nextRowId = 1;

export function emptyRow(): AllowRowDraft {
  return { id: nextRowId++, host: '', ports: '' };
}

export function draftFromPolicy(policy: NetworkPolicy): NetworkDraft {
  return {
    mode: policy.mode,
    allow: policy.allow.map((entry) => ({ id: nextRowId++, host: entry.host, ports: entry.ports.join(', ') })),
    ingress: policy.ingress,
    egress: policy.egress,
  };
}

/** Switches the mode; an allowlist starts with one empty row to fill in. */
export function withMode(draft: NetworkDraft, mode: NetworkMode): NetworkDraft {
  if (mode === 'allowlist' && draft.allow.length === 0) return { ...draft, mode, allow: [emptyRow()] };
  return { ...draft, mode };
}

export function withRow(draft: NetworkDraft): NetworkDraft {
  return { ...draft, allow: [...draft.allow, emptyRow()] };
}

export function withoutRow(draft: NetworkDraft, id: number): NetworkDraft {
  return { ...draft, allow: draft.allow.filter((row) => row.id !== id) };
}

export function withRowChange(draft: NetworkDraft, id: number, change: Partial<Omit<AllowRowDraft, 'id'>>): NetworkDraft {
  return { ...draft, allow: draft.allow.map((row) => (row.id === id ? { ...row, ...change } : row)) };
}

export type PortsParse = { ports: number[]; problem: null } | { ports: null; problem: string };

/** "443, 80" → [443, 80]; commas or spaces separate; repeats count once; empty = any port. */
export function parsePorts(text: string): PortsParse {
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  const ports: number[] = [];
  for (const token of tokens) {
    if (!/^\d+$/.test(token)) return { ports: null, problem: `"${token}" is not a port. ${PORTS_RULE}` };
    const port = Number(token);
    const problem = portProblem(port);
    if (problem) return { ports: null, problem };
    if (!ports.includes(port)) ports.push(port);
  }
  if (ports.length > MAX_ALLOW_PORTS) return { ports: null, problem: `At most ${MAX_ALLOW_PORTS} ports per host.` };
  return { ports, problem: null };
}

export interface RowProblems {
  host: string | null;
  ports: string | null;
}

export function rowProblems(row: AllowRowDraft): RowProblems {
  const host = row.host.trim();
  return {
    host: host === '' ? `Enter a host, or remove this row. ${HOST_RULE}` : allowHostProblem(host),
    ports: parsePorts(row.ports).problem,
  };
}

export interface NetworkProblems {
  /** Per allowlist row, by row id; empty outside allowlist mode. */
  rows: Record<number, RowProblems>;
  /** About the allowlist as a whole (none listed, too many). */
  allow: string | null;
  ingress: string | null;
  egress: string | null;
}

/** The bandwidth and allowlist only matter where the agent has a network, or an allowlist. */
export function draftProblems(draft: NetworkDraft): NetworkProblems {
  const rows: Record<number, RowProblems> = {};
  let allow: string | null = null;
  if (draft.mode === 'allowlist') {
    for (const row of draft.allow) rows[row.id] = rowProblems(row);
    if (draft.allow.length === 0) allow = 'An allowlist names at least one host: add one, or choose another mode.';
    else if (draft.allow.length > MAX_ALLOW_ENTRIES) allow = `At most ${MAX_ALLOW_ENTRIES} allowed hosts.`;
  }
  const hasNetwork = draft.mode !== 'none';
  return {
    rows,
    allow,
    ingress: hasNetwork ? bandwidthProblem(draft.ingress.trim()) : null,
    egress: hasNetwork ? bandwidthProblem(draft.egress.trim()) : null,
  };
}

export function draftValid(draft: NetworkDraft): boolean {
  const problems = draftProblems(draft);
  return (
    problems.allow === null &&
    problems.ingress === null &&
    problems.egress === null &&
    Object.values(problems.rows).every((row) => row.host === null && row.ports === null)
  );
}

/**
 * The policy the draft stands for, ready for the contract. Only an allowlist keeps its rows and
 * only a mode with a network keeps its bandwidth: what the other modes would ignore is not sent.
 * Call it on a valid draft; unparsable ports count as none.
 */
export function policyFromDraft(draft: NetworkDraft): NetworkPolicy {
  const hasNetwork = draft.mode !== 'none';
  return {
    mode: draft.mode,
    allow:
      draft.mode === 'allowlist'
        ? draft.allow.map((row) => ({ host: row.host.trim(), ports: parsePorts(row.ports).ports ?? [] }))
        : [],
    ingress: hasNetwork ? draft.ingress.trim() : '',
    egress: hasNetwork ? draft.egress.trim() : '',
  };
}

export function samePolicy(a: NetworkPolicy, b: NetworkPolicy): boolean {
  return (
    a.mode === b.mode &&
    a.ingress === b.ingress &&
    a.egress === b.egress &&
    a.allow.length === b.allow.length &&
    a.allow.every((entry, i) => {
      const other = b.allow[i];
      return other !== undefined && other.host === entry.host && other.ports.join(',') === entry.ports.join(',');
    })
  );
}

/** "api.example.com:443,80" or "203.0.113.7 (any port)". */
export function allowEntryText(entry: { host: string; ports: number[] }): string {
  return entry.ports.length ? `${entry.host}:${entry.ports.join(',')}` : `${entry.host} (any port)`;
}

/** The lines of a card's network tooltip: mode, address, bridge, allowed hosts, bandwidth. */
export function networkSummary(network: AgentNetwork): string[] {
  const { policy } = network;
  const lines = [`Network: ${policy.mode}. ${MODE_EXPLANATIONS[policy.mode]}`];
  if (policy.mode !== 'none') {
    lines.push(`Address: ${network.address ?? 'none yet'}`);
    lines.push(`Bridge: ${network.bridge ?? 'none'}`);
  }
  if (policy.mode === 'allowlist') {
    lines.push(policy.allow.length ? `Allowed: ${policy.allow.map(allowEntryText).join('; ')}` : 'Allowed: nothing');
  }
  if (policy.mode !== 'none' && (policy.ingress || policy.egress)) {
    lines.push(`Bandwidth: in ${policy.ingress || 'unlimited'}, out ${policy.egress || 'unlimited'}`);
  }
  return lines;
}
