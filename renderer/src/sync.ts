/**
 * Feeds the stores: pushed events as they come, plus a full reload (status, servers, agents, settings,
 * the snapshots of agents shown so far, images once they were wanted, the telemetry focus and
 * history of the agent in view) on every backend
 * (re)connect, since missed events are not resent.
 */
import type { ConnectionStatus } from '../../shared/types.js';
import { backendLink, enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { isLoading } from './lib/reconcile.js';
import { useAgents } from './stores/agents.js';
import { useActivity } from './stores/activity.js';
import { useGuard } from './stores/guard.js';
import { loadAlerts, receiveAlert, resyncActivity } from './guard-actions.js';
import { useBackend } from './stores/backend.js';
import { useConnection } from './stores/connection.js';
import { useImages } from './stores/images.js';
import { loadImages, loadImagesView, startImageSync } from './image-actions.js';
import { useView } from './stores/view.js';
import { useOperations } from './stores/operations.js';
import { useProgress } from './stores/progress.js';
import { useSnapshots } from './stores/snapshots.js';
import { useTelemetry } from './stores/telemetry.js';
import { useTerminals } from './stores/terminals.js';
import { loadSettings, loadSnapshots, resyncSnapshots } from './snapshot-actions.js';
import { resyncTelemetry } from './telemetry-actions.js';
import { loadRunStatus, openAgentFromNotice, receiveRunStatus } from './run-status-actions.js';
import { runUiCommand } from './command-actions.js';
import { useRunStatus } from './stores/run-status.js';
import { useWorkspaceChanges } from './stores/workspace-changes.js';
import { loadServers, receiveServers } from './server-actions.js';
import { serverOfRef } from './lib/server-display.js';
import { receiveChange, receiveData, reconcile, startTerminals } from './terminal/manager.js';
import type { LinkState } from './ws/link.js';

function statusChanged(previous: ConnectionStatus | null): void {
  const current = useConnection.getState().status;
  // Incus just came back: agents may have changed while it was away.
  if (current?.state === 'connected' && previous?.state !== 'connected' && !isLoading(useAgents.getState().loads)) {
    void loadAgents();
    resyncSnapshots();
  }
}

/** Servers that came back: their agents, and the snapshots shown of them, may have changed while they were away. */
function serversCameBack(servers: readonly string[]): void {
  if (!isLoading(useAgents.getState().loads)) void loadAgents();
  for (const agent of Object.keys(useSnapshots.getState().byAgent)) {
    if (servers.includes(serverOfRef(agent))) void loadSnapshots(agent);
  }
}

export async function loadStatus(): Promise<void> {
  const previous = useConnection.getState().status;
  const loadId = useConnection.getState().beginLoad();
  try {
    useConnection.getState().receiveReply(await enclave.invoke('system.status', {}), loadId);
  } catch (error) {
    useConnection.getState().abandonLoad(loadId);
    throw error;
  }
  statusChanged(previous);
}

export async function loadAgents(): Promise<void> {
  const loadId = useAgents.getState().beginLoad();
  try {
    useAgents.getState().finishLoad(loadId, await enclave.invoke('agents.list', {}));
  } catch (error) {
    useAgents.getState().abandonLoad(loadId);
    // Incus being unavailable is shown by the connection screen; anything else is worth a trace.
    console.warn('agents.list failed:', errorMessage(error));
  }
}

/**
 * Terminal sessions live in the backend and outlive page loads: the list restores the tabs.
 * `reconnected`: the backend connection is new, so this window must attach again.
 */
export async function loadTerminals(reconnected: boolean): Promise<void> {
  const loadId = useTerminals.getState().beginLoad();
  try {
    useTerminals.getState().finishLoad(loadId, await enclave.invoke('terminals.list', {}));
  } catch (error) {
    useTerminals.getState().abandonLoad(loadId);
    console.warn('terminals.list failed:', errorMessage(error));
  }
  reconcile(reconnected);
}

function resync(reconnected: boolean): void {
  loadStatus().catch((error: unknown) => console.warn('system.status failed:', errorMessage(error)));
  // Telemetry of agents deleted meanwhile goes once the list is known; the focus is re-sent.
  void loadAgents().then(resyncTelemetry);
  void loadServers();
  void loadTerminals(reconnected);
  void loadSettings();
  // Snapshots of the agents on screen: the backend may be a new one that watches nothing yet.
  resyncSnapshots();
  void loadAlerts();
  void loadRunStatus();
  resyncActivity();
  if (useView.getState().view === 'images') loadImagesView();
  else if (useImages.getState().state !== 'idle') void loadImages();
}

export function startSync(): void {
  enclave.on('agents.changed', (change) => {
    useAgents.getState().apply(change);
    // A list that failed (the agent was still being made, Incus was busy) is tried again once
    // the agent changes, rather than showing the failure for good.
    if (change.kind === 'upsert' && useSnapshots.getState().byAgent[change.agent.name]?.state === 'failed') {
      void loadSnapshots(change.agent.name);
    }
    if (change.kind === 'removed') {
      useSnapshots.getState().forget(change.name);
      useTelemetry.getState().forget(change.name);
      useGuard.getState().forget(change.name);
      useActivity.getState().forget(change.name);
      useRunStatus.getState().forget(change.name);
      useWorkspaceChanges.getState().forget(change.name);
    }
  });
  enclave.on('servers.changed', (servers) => {
    const back = receiveServers(servers);
    if (back.length > 0) serversCameBack(back);
  });
  enclave.on('agents.runStatus', receiveRunStatus);
  // The desktop app's notification of a waiting agent was clicked.
  enclave.on('ui.openAgent', ({ agent }) => void openAgentFromNotice(agent));
  // The desktop app's menu (or its shortcut): New agent, Snapshot, Open terminal.
  enclave.on('ui.command', ({ command }) => runUiCommand(command));
  enclave.on('telemetry.samples', (batch) => useTelemetry.getState().receive(batch));
  enclave.on('snapshots.changed', (change) => useSnapshots.getState().apply(change));
  enclave.on('guard.alert', receiveAlert);
  enclave.on('activity.added', (entry) => useActivity.getState().add(entry));
  enclave.on('operations.progress', (progress) => useOperations.getState().apply(progress));
  enclave.on('agents.progress', (progress) => useProgress.getState().apply(progress));
  enclave.on('terminals.changed', receiveChange);
  enclave.on('terminals.data', receiveData);
  startTerminals();
  startImageSync();
  enclave.on('system.status', (status) => {
    const previous = useConnection.getState().status;
    useConnection.getState().receiveEvent(status);
    statusChanged(previous);
  });

  const onLink = (link: LinkState) => {
    const reconnected = useBackend.getState().everConnected;
    useBackend.getState().setLink(link);
    if (link !== 'connected') {
      useRunStatus.getState().unsync();
      return;
    }
    if (reconnected) {
      useProgress.getState().dropInFlight();
      // Operations still running are not pushed again: forget them rather than spin forever.
      useOperations.getState().dropRunning();
    }
    resync(reconnected);
  };
  backendLink.subscribe(onLink);
  onLink(backendLink.getState());
}
