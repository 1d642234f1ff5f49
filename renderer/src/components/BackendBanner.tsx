import { useBackend } from '../stores/backend.js';
import { Spinner } from './Spinner.js';

/** Shown while the renderer cannot reach the Enclave backend (browser mode only). */
export function BackendBanner() {
  const link = useBackend((state) => state.link);
  const everConnected = useBackend((state) => state.everConnected);
  if (link !== 'reconnecting') return null;
  return (
    <div className="banner banner-bad" role="status" data-testid="backend-banner">
      <Spinner />
      <span>
        {everConnected
          ? 'Lost the connection to the Enclave backend. Reconnecting…'
          : 'Cannot reach the Enclave backend. Retrying…'}
        {!everConnected && ' If Enclave was restarted, open the new address it printed.'}
      </span>
    </div>
  );
}
