/**
 * What the user can do with snapshots, schedules, clones and settings: each intent calls the
 * backend once, holds the agent in this window while it runs (so a double click sends nothing
 * more), folds the reply into the stores, and says how it went in a toast where that helps.
 */
import type { Agent, OperationAction, RestoreResult, Settings, Snapshot, SnapshotSchedule } from '../../shared/types.js';
import { enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { type AgentAction, withAgents } from './stores/actions.js';
import { useAgents } from './stores/agents.js';
import { useOperations } from './stores/operations.js';
import { useSettings } from './stores/settings.js';
import { useSnapshots } from './stores/snapshots.js';
import { showToast } from './stores/toasts.js';

/** Loads in flight, so many cards asking at once make one call per agent. */
const loading = new Map<string, Promise<void>>();

/** Loads an agent's snapshots unless they are known (or being loaded); events keep them current. */
export function ensureSnapshots(agent: string): Promise<void> {
  const entry = useSnapshots.getState().byAgent[agent];
  if (entry && entry.state !== 'failed') return loading.get(agent) ?? Promise.resolve();
  return loadSnapshots(agent);
}

export function loadSnapshots(agent: string): Promise<void> {
  const running = loading.get(agent);
  if (running) return running;
  const loadId = useSnapshots.getState().beginLoad(agent);
  const call = enclave
    .invoke('snapshots.list', { agent })
    .then(
      (list) => useSnapshots.getState().finishLoad(agent, list, loadId),
      (error: unknown) => useSnapshots.getState().failLoad(agent, errorMessage(error), loadId),
    )
    .finally(() => loading.delete(agent));
  loading.set(agent, call);
  return call;
}

/** After a reconnect: the backend may be new and watch nothing, and events were missed. */
export function resyncSnapshots(): void {
  const known = new Set(useAgents.getState().agents.map((a) => a.name));
  for (const agent of Object.keys(useSnapshots.getState().byAgent)) {
    if (useAgents.getState().loaded && !known.has(agent)) useSnapshots.getState().forget(agent);
    else void loadSnapshots(agent);
  }
}

export async function loadSettings(): Promise<void> {
  try {
    useSettings.getState().loaded(await enclave.invoke('settings.get', {}));
  } catch (error) {
    console.warn('settings.get failed:', errorMessage(error));
  }
}

/**
 * Runs an action holding `agents`; when it fails, the matching failed operation is dropped,
 * since the caller shows the same error where the user clicked.
 */
async function act<T>(agents: string[], action: AgentAction & { op?: OperationAction }, work: () => Promise<T>): Promise<T> {
  try {
    return await withAgents(agents, action, work);
  } catch (error) {
    if (action.op) for (const agent of agents) useOperations.getState().dropFailures(agent, action.op);
    throw error;
  }
}

export interface TakeOptions {
  name?: string;
  comment?: string;
  /** Say so in a toast when done (the card button and the shortcut do; forms show it in place). */
  toast?: boolean;
}

export async function takeSnapshot(agent: string, { name, comment, toast = false }: TakeOptions = {}): Promise<Snapshot> {
  const args = { agent, ...(name ? { name } : {}), ...(comment ? { comment } : {}) };
  const snapshot = await act([agent], { action: 'snapshot', label: 'Taking a snapshot', op: 'snapshot' }, () =>
    enclave.invoke('snapshots.create', args),
  );
  useSnapshots.getState().upsert(snapshot);
  if (toast) showToast({ tone: 'success', message: `Took snapshot ${snapshot.name} of ${agent}.`, testId: 'snapshot-done' });
  return snapshot;
}

/**
 * Restores (the backend takes a safety snapshot first) and offers Undo: restoring the safety
 * snapshot, which is itself safe, since it takes another safety snapshot before.
 */
export async function restoreSnapshot(agent: string, name: string, undoing: string | null = null): Promise<RestoreResult> {
  const label = undoing ? `Undoing the restore to ${undoing}` : `Restoring to ${name}`;
  const result = await act([agent], { action: 'restore', label, op: 'restore' }, () =>
    enclave.invoke('snapshots.restore', { agent, name }),
  );
  useSnapshots.getState().upsert(result.safety);
  useAgents.getState().apply({ kind: 'upsert', agent: result.agent });
  const safety = result.safety.name;
  showToast({
    key: `restore:${agent}`,
    tone: 'success',
    testId: 'restore-done',
    message: undoing
      ? `Restored ${agent} to ${name}, as it was before restoring to ${undoing}.`
      : `Restored ${agent} to ${name}.`,
    timeout: 30_000,
    action: {
      label: 'Undo',
      testId: 'undo-restore',
      run: async () => {
        await restoreSnapshot(agent, safety, name);
      },
    },
  });
  return result;
}

export interface SnapshotChange {
  newName?: string;
  comment?: string;
  expiresAt?: string | null;
}

export async function updateSnapshot(agent: string, name: string, change: SnapshotChange): Promise<Snapshot> {
  const label = change.newName ? `Renaming ${name}` : change.comment !== undefined ? `Saving the comment of ${name}` : `Setting the expiry of ${name}`;
  const snapshot = await act([agent], { action: 'update-snapshot', label }, () =>
    enclave.invoke('snapshots.update', { agent, name, ...change }),
  );
  useSnapshots.getState().upsert(snapshot, name);
  return snapshot;
}

export async function deleteSnapshot(agent: string, name: string): Promise<void> {
  await act([agent], { action: 'delete-snapshot', label: `Deleting snapshot ${name}` }, () =>
    enclave.invoke('snapshots.delete', { agent, name }),
  );
  useSnapshots.getState().remove(agent, name);
}

export async function setSchedule(agent: string, schedule: SnapshotSchedule): Promise<Agent> {
  const updated = await act([agent], { action: 'schedule', label: 'Saving the snapshot schedule' }, () =>
    enclave.invoke('snapshots.schedule', { agent, ...schedule }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent: updated });
  return updated;
}

/**
 * A new agent from a snapshot or from the live agent. The backend holds the source still
 * while it copies a live agent, so this window does too; a snapshot can be cloned meanwhile.
 */
export async function cloneAgent(source: string, snapshot: string | null, name: string): Promise<Agent> {
  const from = snapshot ? `${source}/${snapshot}` : source;
  const agents = snapshot ? [name] : [source, name];
  const agent = await act(agents, { action: 'clone', label: `Cloning ${from} into ${name}`, op: 'clone' }, () =>
    enclave.invoke('agents.clone', snapshot ? { source, snapshot, name } : { source, name }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent });
  showToast({ tone: 'success', message: `Cloned ${from} into ${name}.`, testId: 'clone-done' });
  return agent;
}

export async function cancelOperation(id: string): Promise<void> {
  await enclave.invoke('operations.cancel', { id });
}

export async function saveSettings(change: Partial<Settings>): Promise<Settings> {
  const settings = await enclave.invoke('settings.update', change);
  useSettings.getState().loaded(settings);
  return settings;
}
