import { useBackend } from '../stores/backend.js';
import { useConnection } from '../stores/connection.js';

type Tone = 'ok' | 'pending' | 'bad';

/** One line on how far the chain reaches: renderer → backend → Incus. */
export function ConnectionIndicator() {
  const link = useBackend((state) => state.link);
  const status = useConnection((state) => state.status);

  let tone: Tone;
  let text: string;
  let detail: string;
  if (link !== 'connected') {
    [tone, text, detail] = ['bad', 'Backend offline', 'The Enclave backend is not reachable from this window.'];
  } else if (!status || status.state === 'connecting') {
    [tone, text, detail] = ['pending', 'Connecting…', status ? `Connecting to Incus at ${status.socketPath}` : ''];
  } else if (status.state === 'unavailable') {
    [tone, text, detail] = ['bad', 'Incus unavailable', `${status.message} (${status.socketPath})`];
  } else {
    tone = 'ok';
    text = `Incus ${status.serverVersion}`;
    detail = `Project ${status.project} · ${status.socketPath} · storage: ${status.storageDrivers.join(', ') || 'none'}`;
  }

  return (
    <span className={`indicator indicator-${tone}`} title={detail || undefined} data-testid="connection-indicator">
      <span className="indicator-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
