import type { AgentProgress } from '../../../shared/types.js';
import { DismissButton } from './DismissButton.js';

/**
 * A note about a running agent in Enclave's words, and below it, set apart as a quotation,
 * what the agent itself printed (bounded and cleaned by the backend; never Enclave's words).
 */
export function AgentNote({ progress, onDismiss }: { progress: AgentProgress; onDismiss: () => void }) {
  return (
    <div className="agent-note" role="status" data-testid="agent-note">
      <div className="agent-note-body">
        <span className="agent-note-text">{progress.detail}</span>
        {progress.agentOutput !== undefined && (
          <blockquote className="agent-output" data-testid="agent-output" title="Printed inside the agent, not by Enclave">
            <pre>{progress.agentOutput}</pre>
          </blockquote>
        )}
      </div>
      <DismissButton label="Dismiss note" onClick={onDismiss} />
    </div>
  );
}
