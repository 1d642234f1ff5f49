import { useEffect, useState } from 'react';
import { loadServers } from '../../server-actions.js';
import { useServers } from '../../stores/servers.js';
import { compareServers } from '../../lib/server-groups.js';
import { AddServerDialog } from './AddServerDialog.js';
import { ClientCertificate } from './ClientCertificate.js';
import { ServerEntry } from './ServerEntry.js';

/** Settings → Servers: every server with its state and trust, adding and removing one, Enclave's client certificate. */
export function ServersSection() {
  const servers = useServers((state) => state.servers);
  const loaded = useServers((state) => state.loaded);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    void loadServers();
  }, []);

  const sorted = [...servers].sort((a, b) => compareServers(a.name, b.name));
  return (
    <>
      <p className="section-note">
        The local Incus, the incus CLI's remotes, and servers added here. Each is reached on its own: one that is down never stalls the
        others. Changes here are saved at once.
      </p>
      <div className="servers-tools">
        <button type="button" className="button button-small" data-testid="add-server" onClick={() => setAdding(true)}>
          Add server…
        </button>
      </div>
      {!loaded && servers.length === 0 ? (
        <p className="placeholder" role="status">
          Loading servers…
        </p>
      ) : (
        <ul className="server-list" data-testid="server-list">
          {sorted.map((server) => (
            <ServerEntry key={server.name} server={server} />
          ))}
        </ul>
      )}
      <ClientCertificate />
      {adding && <AddServerDialog taken={servers.map((s) => s.name)} onClose={() => setAdding(false)} />}
    </>
  );
}
