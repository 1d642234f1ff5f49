import { useId } from 'react';
import type { AgentNetwork } from '../../../../shared/types.js';
import { networkSummary } from '../../lib/network-form.js';

/** The agent's network mode on its card; hover or focus shows mode, address, bridge and allowed hosts. */
export function NetworkBadge({ network }: { network: AgentNetwork }) {
  const tipId = useId();
  const lines = networkSummary(network);
  const mode = network.policy.mode;
  return (
    <span
      className={`net-badge net-${mode}`}
      data-testid="network-badge"
      data-mode={mode}
      tabIndex={0}
      aria-describedby={tipId}
    >
      <NetworkIcon />
      <span className="net-badge-mode" data-testid="network-mode">
        {mode}
      </span>
      <span id={tipId} role="tooltip" className="net-tip">
        {lines.map((line) => (
          <span key={line}>{line}</span>
        ))}
      </span>
    </span>
  );
}

function NetworkIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M1.8 8h12.4M8 1.8c-3.2 3.4-3.2 9 0 12.4M8 1.8c3.2 3.4 3.2 9 0 12.4" fill="none" stroke="currentColor" strokeWidth="1.2" />
    </svg>
  );
}
