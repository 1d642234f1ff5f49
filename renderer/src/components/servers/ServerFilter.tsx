import { useId } from 'react';
import type { ServerInfo } from '../../../../shared/servers.js';
import type { Agent } from '../../../../shared/types.js';
import { effectiveFilter, serverFilterOptions } from '../../lib/server-groups.js';
import { useGridView } from '../../stores/grid-view.js';

/** The grid's "Server" select: all servers, or one. */
export function ServerFilter({ agents, servers }: { agents: readonly Agent[]; servers: readonly ServerInfo[] }) {
  const id = useId();
  const value = useGridView((state) => effectiveFilter(state.server, servers));
  return (
    <div className="grid-toolbar-field">
      <label htmlFor={id}>Server</label>
      <select id={id} data-testid="server-filter" value={value} onChange={(event) => useGridView.getState().setServer(event.target.value)}>
        {serverFilterOptions(agents, servers).map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
