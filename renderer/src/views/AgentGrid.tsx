import { useMemo } from 'react';
import { AgentCard } from '../components/AgentCard.js';
import { EmptyState } from '../components/EmptyState.js';
import { PendingAgentCard } from '../components/PendingAgentCard.js';
import { compareNames, useAgents } from '../stores/agents.js';
import { useProgress } from '../stores/progress.js';

export function AgentGrid({ onNewAgent }: { onNewAgent(): void }) {
  const agents = useAgents((state) => state.agents);
  const loaded = useAgents((state) => state.loaded);
  const progress = useProgress((state) => state.byAgent);

  // Progress for a name not (yet) in the list is an agent Incus is still creating.
  const pending = useMemo(() => {
    const listed = new Set(agents.map((agent) => agent.name));
    return Object.values(progress)
      .filter((entry) => !listed.has(entry.name) && entry.stage !== 'ready')
      .sort((a, b) => compareNames(a.name, b.name));
  }, [agents, progress]);

  if (!loaded && pending.length === 0) {
    return (
      <p className="placeholder" role="status">
        Loading agents…
      </p>
    );
  }
  if (agents.length === 0 && pending.length === 0) return <EmptyState onNewAgent={onNewAgent} />;

  return (
    <section className="grid" aria-label="Agents">
      {agents.map((agent) => (
        <AgentCard key={agent.name} agent={agent} progress={progress[agent.name]} />
      ))}
      {pending.map((entry) => (
        <PendingAgentCard key={entry.name} progress={entry} />
      ))}
    </section>
  );
}
