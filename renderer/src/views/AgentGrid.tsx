import { type ReactNode, useId, useMemo } from 'react';
import type { Agent, AgentProgress } from '../../../shared/types.js';
import { AgentCard } from '../components/AgentCard.js';
import { EmptyState } from '../components/EmptyState.js';
import { PendingAgentCard } from '../components/PendingAgentCard.js';
import { ServerFilter } from '../components/servers/ServerFilter.js';
import { ServerSectionHeader } from '../components/servers/ServerSectionHeader.js';
import { serverOfRef, showServerBadges } from '../lib/server-display.js';
import { groupByServer } from '../lib/server-groups.js';
import { useServers } from '../stores/servers.js';
import { FILTER_LABELS, GRID_FILTERS, type GridFilter, type GridSort, countByState, gridAgents } from '../lib/grid-order.js';
import { compareNames, useAgents } from '../stores/agents.js';
import { useGridView } from '../stores/grid-view.js';
import { useProgress } from '../stores/progress.js';
import { useRunStatus } from '../stores/run-status.js';

export function AgentGrid({ onNewAgent }: { onNewAgent(): void }) {
  const agents = useAgents((state) => state.agents);
  const loaded = useAgents((state) => state.loaded);
  const progress = useProgress((state) => state.byAgent);
  const statuses = useRunStatus((state) => state.byAgent);
  const filter = useGridView((state) => state.filter);
  const sort = useGridView((state) => state.sort);
  const serverFilter = useGridView((state) => state.server);
  const servers = useServers((state) => state.servers);
  const grouped = showServerBadges(servers);

  // Progress for a name not (yet) in the list is an agent Incus is still creating.
  const pending = useMemo(() => {
    const listed = new Set(agents.map((agent) => agent.name));
    return Object.values(progress)
      .filter((entry) => !listed.has(entry.name) && entry.stage !== 'ready')
      .sort((a, b) => compareNames(a.name, b.name));
  }, [agents, progress]);
  const shown = useMemo(() => gridAgents(agents, statuses, filter, sort), [agents, statuses, filter, sort]);
  const counts = useMemo(() => countByState(agents, statuses), [agents, statuses]);
  // With many servers: a section per server, each server's cards under its own state.
  const groups = useMemo(() => (grouped ? groupByServer(shown, servers, serverFilter) : null), [grouped, shown, servers, serverFilter]);

  if (!loaded && pending.length === 0) {
    return (
      <p className="placeholder" role="status">
        Loading agents…
      </p>
    );
  }
  if (agents.length === 0 && pending.length === 0 && !grouped) return <EmptyState onNewAgent={onNewAgent} />;

  const noneShown = groups ? groups.every((g) => g.agents.length === 0) : shown.length === 0;
  return (
    <>
      {(agents.length > 0 || grouped) && (
        <GridToolbar filter={filter} sort={sort} counts={counts} shown={shown.length}>
          {grouped && <ServerFilter agents={agents} servers={servers} />}
        </GridToolbar>
      )}
      {groups ? (
        groups.map((group) => (
          <section key={group.server} className="server-section" data-testid="server-section" data-server={group.server} data-state={group.info?.status.state}>
            <ServerSectionHeader server={group.server} info={group.info} count={agents.filter((a) => a.server === group.server).length} />
            <AgentCards
              agents={group.agents}
              pending={pending.filter((entry) => serverOfRef(entry.name) === group.server)}
              progress={progress}
              label={`Agents on ${group.server}`}
            />
          </section>
        ))
      ) : (
        <AgentCards agents={shown} pending={pending} progress={progress} label="Agents" />
      )}
      {grouped && agents.length === 0 && pending.length === 0 && <EmptyState onNewAgent={onNewAgent} />}
      {noneShown && pending.length === 0 && filter !== 'all' && (
        <p className="placeholder grid-none" data-testid="grid-none">
          No agent is {FILTER_LABELS[filter].toLowerCase()} now.{' '}
          <button type="button" className="link-button" onClick={() => useGridView.getState().setFilter('all')}>
            Show all
          </button>
        </p>
      )}
    </>
  );
}

function AgentCards({
  agents,
  pending,
  progress,
  label,
}: {
  agents: readonly Agent[];
  pending: readonly AgentProgress[];
  progress: Readonly<Record<string, AgentProgress>>;
  label: string;
}) {
  return (
    <section className="grid" aria-label={label}>
      {agents.map((agent) => (
        <AgentCard key={agent.name} agent={agent} progress={progress[agent.name]} />
      ))}
      {/* Agents still being created have no run state yet: they show whatever the filter. */}
      {pending.map((entry) => (
        <PendingAgentCard key={entry.name} progress={entry} />
      ))}
    </section>
  );
}

function GridToolbar({
  filter,
  sort,
  counts,
  shown,
  children,
}: {
  filter: GridFilter;
  sort: GridSort;
  counts: Record<GridFilter, number>;
  shown: number;
  children?: ReactNode;
}) {
  const filterId = useId();
  const sortId = useId();
  const { setFilter, setSort } = useGridView.getState();
  return (
    <div className="grid-toolbar" data-testid="grid-toolbar">
      {children}
      <div className="grid-toolbar-field">
        <label htmlFor={filterId}>Show</label>
        <select
          id={filterId}
          data-testid="grid-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value as GridFilter)}
        >
          {GRID_FILTERS.map((value) => (
            <option key={value} value={value}>
              {FILTER_LABELS[value]} ({counts[value]})
            </option>
          ))}
        </select>
      </div>
      <div className="grid-toolbar-field">
        <label htmlFor={sortId}>Sort by</label>
        <select id={sortId} data-testid="grid-sort" value={sort} onChange={(event) => setSort(event.target.value as GridSort)}>
          <option value="name">Name</option>
          <option value="status">Status (waiting first)</option>
        </select>
      </div>
      {filter !== 'all' && (
        <p className="grid-toolbar-note" role="status" data-testid="grid-filter-note">
          {shown} of {counts.all} agents shown
        </p>
      )}
    </div>
  );
}
