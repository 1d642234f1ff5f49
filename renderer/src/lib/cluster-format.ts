/** How a cluster's members read: their status as a tone, their load as text, which can be chosen. */
import type { ClusterMember } from '../../../shared/servers.js';
import { formatBytes } from './telemetry-format.js';

export type MemberTone = 'online' | 'evacuated' | 'offline' | 'other';

/** Incus's words (Online, Evacuated, Offline, Blocked…) as a badge tone. */
export function memberTone(status: string): MemberTone {
  switch (status.toLowerCase()) {
    case 'online':
      return 'online';
    case 'evacuated':
      return 'evacuated';
    case 'offline':
      return 'offline';
    default:
      return 'other';
  }
}

/** "1.24 / 4 CPUs" and "3.1 GiB of 16 GiB", or null when the member did not answer. */
export function memberLoadText(load: ClusterMember['load']): { cpu: string; memory: string } | null {
  if (!load) return null;
  return {
    cpu: `${load.load1.toFixed(2)} / ${load.cpus} CPU${load.cpus === 1 ? '' : 's'}`,
    memory: `${formatBytes(load.memoryUsedBytes)} of ${formatBytes(load.memoryTotalBytes)}`,
  };
}

/** The share of memory in use (0–1), for a bar; null without a load. */
export function memoryShare(load: ClusterMember['load']): number | null {
  if (!load || load.memoryTotalBytes <= 0) return null;
  return Math.min(1, Math.max(0, load.memoryUsedBytes / load.memoryTotalBytes));
}

export interface MemberChoice {
  name: string;
  /** What the option reads: the name, and the status when it cannot take agents. */
  label: string;
  disabled: boolean;
}

/** Members an agent can be placed on or moved to: only Online ones; `except` is where it is now. */
export function memberChoices(members: readonly ClusterMember[], except: string | null = null): MemberChoice[] {
  return members
    .filter((m) => m.name !== except)
    .map((m) => {
      const online = memberTone(m.status) === 'online';
      return { name: m.name, label: online ? m.name : `${m.name} (${m.status})`, disabled: !online };
    });
}
