import { type ReactNode, useState } from 'react';
import { BackendBanner } from './components/BackendBanner.js';
import { Header } from './components/Header.js';
import { NewAgentDialog } from './components/NewAgentDialog.js';
import { StorageWarning } from './components/StorageWarning.js';
import { useBackend } from './stores/backend.js';
import { useConnection } from './stores/connection.js';
import { AgentGrid } from './views/AgentGrid.js';
import { ConnectingScreen } from './views/ConnectingScreen.js';
import { ConnectionScreen } from './views/ConnectionScreen.js';

export function App() {
  const status = useConnection((state) => state.status);
  const link = useBackend((state) => state.link);
  const [creating, setCreating] = useState(false);

  const incusReady = status?.state === 'connected';
  const openNewAgent = () => setCreating(true);

  let main: ReactNode;
  if (status === null || status.state === 'connecting') {
    main = <ConnectingScreen socketPath={status?.socketPath ?? null} />;
  } else if (status.state === 'unavailable') {
    main = <ConnectionScreen status={status} />;
  } else {
    main = <AgentGrid onNewAgent={openNewAgent} />;
  }

  return (
    <div className="app">
      <BackendBanner />
      <Header canCreate={incusReady && link === 'connected'} onNewAgent={openNewAgent} />
      <StorageWarning />
      <main className="app-main">{main}</main>
      {creating && <NewAgentDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
