/** The Changes panel's calls: reading an agent's work, one file's diff, comparing two agents, and the review gate. */
import type { BroughtBack, FileDiff, WorkspaceComparison } from '../../shared/workspace.js';
import { enclave } from './api.js';
import { loadActivity } from './guard-actions.js';
import { errorMessage } from './lib/errors.js';
import type { FetchArgs } from './lib/gate-dialog.js';
import { useActivity } from './stores/activity.js';
import { useWorkspaceChanges } from './stores/workspace-changes.js';

const reading = new Set<string>();

/** Reads the agent's changes once (a read already under way is not doubled). */
export async function loadChanges(agent: string): Promise<void> {
  if (reading.has(agent)) return;
  reading.add(agent);
  const store = useWorkspaceChanges.getState();
  store.begin(agent);
  try {
    const changes = await enclave.invoke('workspace.changes', { agent });
    useWorkspaceChanges.getState().receive(agent, changes, Date.now());
  } catch (error) {
    useWorkspaceChanges.getState().fail(agent, errorMessage(error), Date.now());
  } finally {
    reading.delete(agent);
  }
}

export function loadFileDiff(agent: string, id: string, from: string | null, against: string | null): Promise<FileDiff> {
  return enclave.invoke('workspace.fileDiff', { agent, id, ...(from ? { from } : {}), ...(against ? { against } : {}) });
}

export function compareAgents(a: string, b: string): Promise<WorkspaceComparison> {
  return enclave.invoke('workspace.compare', { a, b });
}

/** The review gate; the list is read again afterwards, whatever came of it (the work was committed, or it changed). */
export async function bringBack(args: FetchArgs): Promise<BroughtBack> {
  try {
    return await enclave.invoke('workspace.fetch', args);
  } finally {
    void loadChanges(args.agent);
  }
}

const asked = new Set<string>();

/** The agent's activity log, once, so its timeline can mark what was brought back (the view loads it anyway). */
export function ensureActivity(agent: string): void {
  if (asked.has(agent) || useActivity.getState().byAgent[agent]) return;
  asked.add(agent);
  loadActivity(agent).catch((error: unknown) => {
    asked.delete(agent);
    console.warn('activity.list failed:', errorMessage(error));
  });
}
