import { useState } from 'react';
import type { ConnectionStatus } from '../../../shared/types.js';
import { InlineError } from '../components/InlineError.js';
import { Spinner } from '../components/Spinner.js';
import { useNow } from '../hooks/useNow.js';
import { errorMessage } from '../lib/errors.js';
import { secondsUntil } from '../lib/time.js';
import { loadStatus } from '../sync.js';
import { SetupIncus } from './SetupIncus.js';

type Unavailable = Extract<ConnectionStatus, { state: 'unavailable' }>;

function RetryCountdown({ at }: { at: string }) {
  const now = useNow();
  const seconds = secondsUntil(at, now);
  return <span aria-live="polite">{seconds > 0 ? `Retrying automatically in ${seconds} s` : 'Retrying…'}</span>;
}

/** Replaces the grid while Incus cannot be reached: what was tried, what failed, what to do. */
export function ConnectionScreen({ status }: { status: Unavailable }) {
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

  const tried = status.tried.filter((path) => path !== status.socketPath);

  return (
    <section className="connection-screen" data-testid="connection-screen" aria-labelledby="connection-title">
      <div className="connection-panel">
        <h1 id="connection-title">Enclave cannot reach Incus</h1>
        {/* The problem once (the message names the socket), then the fix once. */}
        <p className="connection-problem" data-problem={status.problem}>
          {status.message}
        </p>
        {status.hint && <p className="connection-hint">{status.hint}</p>}
        <SetupIncus offer={status.setup} />
        <div className="connection-tried">
          <h2>What was tried</h2>
          <p>
            Socket <code>{status.socketPath}</code>
          </p>
          {tried.length > 0 && (
            <>
              <p>Also looked for:</p>
              <ul>
                {tried.map((path) => (
                  <li key={path}>
                    <code>{path}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div className="connection-retry">
          <RetryCountdown at={status.nextRetryAt} />
          <button type="button" className="button button-primary" onClick={() => void retry()} disabled={retrying}>
            {retrying && <Spinner />}
            Retry now
          </button>
        </div>
        {retryError && <InlineError testId="retry-error" message={retryError} onDismiss={() => setRetryError(null)} />}
      </div>
    </section>
  );
}
