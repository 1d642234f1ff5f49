import { type ReactNode, useState } from 'react';
import { BackendBanner } from './components/BackendBanner.js';
import { Header } from './components/Header.js';
import { NewAgentWizard } from './components/wizard/NewAgentWizard.js';
import { OutagePanel } from './components/OutagePanel.js';
import { SettingsDialog } from './components/SettingsDialog.js';
import { CloneDialogHost } from './components/snapshots/CloneDialog.js';
import { AttachWorkspaceDialogHost } from './components/project/AttachWorkspaceDialog.js';
import { Toasts } from './components/Toasts.js';
import { useSnapshotShortcut } from './hooks/useSnapshotShortcut.js';
import { newAgentBlocked } from './lib/agent-commands.js';
import { mainView } from './lib/outage.js';
import { StorageWarning } from './components/StorageWarning.js';
import { useAgents } from './stores/agents.js';
import { useBackend } from './stores/backend.js';
import { useConnection } from './stores/connection.js';
import { useNewAgent } from './stores/new-agent.js';
import { useServers } from './stores/servers.js';
import { useTerminalUi } from './stores/terminal-ui.js';
import { useTerminals } from './stores/terminals.js';
import { AgentGrid } from './views/AgentGrid.js';
import { AgentView } from './views/AgentView.js';
import { ImagesView } from './views/ImagesView.js';
import { useView } from './stores/view.js';
import { registerImagesView } from './images-link.js';
import { ConnectingScreen } from './views/ConnectingScreen.js';
import { ConnectionScreen } from './views/ConnectionScreen.js';
import { TerminalDock } from './views/TerminalDock.js';

// A template whose image is missing: the wizard's button opens the build form for it.
registerImagesView((t) => useView.getState().buildFor({ image: t.image, templates: [t.id], installs: t.installs }));

export function App() {
  const status = useConnection((state) => state.status);
  const outageSince = useConnection((state) => state.outageSince);
  const cardsKnown = useAgents((state) => state.agents.length > 0);
  const link = useBackend((state) => state.link);
  const creating = useNewAgent((state) => state.open);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const hasTerminals = useTerminals((state) => state.terminals.length > 0);
  const dockMaximized = useTerminalUi((state) => state.maximized) && hasTerminals;

  const incusReady = status?.state === 'connected';
  // With the local Incus away, an agent can still be made on a remote that answers.
  const anyServer = useServers((state) => state.servers.some((s) => s.status.state === 'connected'));
  const shown = useView((state) => state.view);
  const openNewAgent = useNewAgent((state) => state.show);
  const closeNewAgent = useNewAgent((state) => state.close);
  // The desktop menu's New agent asks the same question (command-actions.ts).
  const canCreate = newAgentBlocked({ link, localConnected: incusReady, anyServerConnected: anyServer }) === null;
  useSnapshotShortcut();

  const view = mainView(status, cardsKnown, outageSince);
  let main: ReactNode;
  switch (view.kind) {
    case 'connecting':
      main = <ConnectingScreen socketPath={status?.socketPath ?? null} />;
      break;
    case 'connection-screen':
      main = <ConnectionScreen status={view.status} />;
      break;
    case 'stale-grid':
      // The last known cards stay, greyed, under the outage panel (lib/outage.ts).
      main = (
        <>
          <OutagePanel status={view.status} since={view.since} />
          <AgentGrid onNewAgent={openNewAgent} />
        </>
      );
      break;
    case 'grid':
      main = shown === 'images' ? <ImagesView /> : <AgentGrid onNewAgent={openNewAgent} />;
  }

  return (
    <div className={dockMaximized ? 'app app-dock-maximized' : 'app'}>
      <BackendBanner />
      <Header
        canCreate={canCreate}
        onNewAgent={openNewAgent}
        canConfigure={link === 'connected'}
        onSettings={() => setSettingsOpen(true)}
      />
      <StorageWarning />
      <div className="app-body">
        <div className="app-scroll">
          <main className="app-main">{main}</main>
        </div>
        {(incusReady || view.kind === 'stale-grid') && <AgentView />}
      </div>
      <Toasts />
      <TerminalDock />
      {creating && <NewAgentWizard onClose={closeNewAgent} />}
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
      <CloneDialogHost />
      <AttachWorkspaceDialogHost />
    </div>
  );
}
