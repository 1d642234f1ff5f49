import type { ServerInfo } from '../../../../shared/servers.js';
import { RetryServerButton } from './RetryServerButton.js';
import { ServerIcon } from './ServerBadge.js';
import { ServerProblem } from './ServerProblem.js';
import { ServerStateChip } from './ServerStateChip.js';

/** The head of one server's cards in the grid: its name, address, state, and Retry while it does not answer. */
export function ServerSectionHeader({ server, info, count }: { server: string; info: ServerInfo | null; count: number }) {
  const status = info?.status;
  return (
    <header className="server-section-head" data-testid="server-section-head">
      <div className="server-section-title">
        <h2 className="server-section-name">
          <ServerIcon />
          {server}
        </h2>
        {info && <span className="server-section-address">{info.address}</span>}
        <span className="server-section-count">
          {count} agent{count === 1 ? '' : 's'}
        </span>
        {info?.cluster && (
          <span className="badge" title="An Incus cluster">
            cluster · {info.cluster.length} members
          </span>
        )}
        {status ? <ServerStateChip status={status} /> : <span className="field-hint">Not in the server list</span>}
        {status && status.state !== 'connected' && <RetryServerButton server={server} />}
      </div>
      {status && <ServerProblem server={server} status={status} />}
    </header>
  );
}
