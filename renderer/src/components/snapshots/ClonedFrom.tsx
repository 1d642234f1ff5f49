import type { CloneSource } from '../../../../shared/types.js';
import { useAgents } from '../../stores/agents.js';
import { useAgentView } from '../../stores/agent-view.js';
import { MarkerGlyph } from './MarkerGlyph.js';

/** "cloned from web/snap-1": the source opens its timeline (at that snapshot) while it exists. */
export function ClonedFrom({ value }: { value: CloneSource }) {
  const { agent: source, snapshot } = value;
  const exists = useAgents((state) => state.agents.some((agent) => agent.name === source));
  const openView = useAgentView((state) => state.openView);
  return (
    <p className="lineage" data-testid="cloned-from" title={`Cloned from ${snapshot ? `snapshot ${snapshot} of ${source}` : `the live agent ${source}`}`}>
      <MarkerGlyph kind="clone" size={12} />
      <span>
        cloned from{' '}
        {exists ? (
          <button type="button" className="link-button" onClick={() => openView(source, snapshot)}>
            {source}
          </button>
        ) : (
          source
        )}
        {snapshot !== null && `/${snapshot}`}
      </span>
    </p>
  );
}
