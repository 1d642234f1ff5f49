import { usePendingCall } from '../../hooks/usePendingCall.js';
import { retryServer } from '../../server-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

/** Tries the server now (servers.retry) rather than at its next retry. */
export function RetryServerButton({ server }: { server: string }) {
  const { busy, error, run, clearError } = usePendingCall();
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-action="retry-server"
        data-server={server}
        disabled={busy}
        aria-busy={busy}
        onClick={() => run(() => retryServer(server))}
      >
        {busy && <Spinner />}
        Retry
      </button>
      {error && <InlineError testId="retry-error" message={error} onDismiss={clearError} />}
    </>
  );
}
