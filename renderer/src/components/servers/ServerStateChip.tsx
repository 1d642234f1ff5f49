import type { ConnectionStatus } from '../../../../shared/types.js';
import { CHIP_LABELS } from '../../lib/server-display.js';

/** Connected / Connecting… / Unavailable, coloured like an agent's status. */
export function ServerStateChip({ status }: { status: ConnectionStatus }) {
  const tone = status.state === 'connected' ? 'running' : status.state === 'connecting' ? 'transitional' : 'error';
  const label = status.state === 'unavailable' && status.problem === 'certificate-changed' ? 'Certificate changed' : CHIP_LABELS[status.state];
  return (
    <span className={`status status-${tone}`} data-testid="server-state" data-state={status.state}>
      <span className="status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
