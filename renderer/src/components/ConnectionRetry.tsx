import { useState } from 'react';
import { useNow } from '../hooks/useNow.js';
import { errorMessage } from '../lib/errors.js';
import { secondsUntil } from '../lib/time.js';
import { loadStatus } from '../sync.js';
import { InlineError } from './InlineError.js';
import { Spinner } from './Spinner.js';

function RetryCountdown({ at }: { at: string }) {
  const now = useNow();
  const seconds = secondsUntil(at, now);
  return <span aria-live="polite">{seconds > 0 ? `Retrying automatically in ${seconds} s` : 'Retrying…'}</span>;
}

/** The countdown to the backend's next try and a button to try now (the connection screen and the outage panel). */
export function ConnectionRetry({ nextRetryAt }: { nextRetryAt: string | null }) {
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);

  async function retry() {
    setRetrying(true);
    setRetryError(null);
    try {
      await loadStatus();
    } catch (error) {
      setRetryError(errorMessage(error));
    } finally {
      setRetrying(false);
    }
  }

  return (
    <>
      <div className="connection-retry">
        {nextRetryAt ? <RetryCountdown at={nextRetryAt} /> : <span aria-live="polite">Reconnecting…</span>}
        <button type="button" className="button button-primary" onClick={() => void retry()} disabled={retrying}>
          {retrying && <Spinner />}
          Retry now
        </button>
      </div>
      {retryError && <InlineError testId="retry-error" message={retryError} onDismiss={() => setRetryError(null)} />}
    </>
  );
}
