import type { AgentStatus } from '../../../shared/types.js';
import { statusTone } from '../lib/agent-status.js';

export function StatusBadge({ status }: { status: AgentStatus }) {
  return (
    <span className={`status status-${statusTone(status)}`}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
