import { PlusIcon } from './PlusIcon.js';

export function EmptyState({ onNewAgent }: { onNewAgent(): void }) {
  return (
    <section className="empty-state">
      <h2>No agents yet</h2>
      <p>
        Each agent gets its own Incus system container: root inside, its own limits and snapshots, and nothing it
        does can touch the others.
      </p>
      <button type="button" className="button button-primary" data-testid="empty-new-agent" onClick={onNewAgent}>
        <PlusIcon />
        New agent
      </button>
    </section>
  );
}
