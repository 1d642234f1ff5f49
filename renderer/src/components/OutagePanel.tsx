import { useId } from 'react';
import { useNow } from '../hooks/useNow.js';
import { type Connecting, type Unavailable, outageText } from '../lib/outage.js';
import { ConnectionRetry } from './ConnectionRetry.js';

/**
 * Above the last known cards while Incus does not answer: since when, what failed and what to
 * do, with the retry. The agents' containers keep running without the daemon.
 */
export function OutagePanel({ status, since }: { status: Unavailable | Connecting; since: string }) {
  const now = useNow();
  const titleId = useId();
  return (
    <section className="outage-panel" data-testid="outage-panel" data-state={status.state} aria-labelledby={titleId}>
      <div className="outage-text">
        <h2 id={titleId} className="outage-title">
          <time dateTime={since}>{outageText(since, now)}</time>
        </h2>
        {status.state === 'unavailable' ? (
          <>
            <p className="connection-problem" data-problem={status.problem}>
              {status.message}
            </p>
            {status.hint && <p className="connection-hint">{status.hint}</p>}
          </>
        ) : (
          <p className="outage-reaching">
            Reaching Incus again at <code>{status.socketPath}</code>…
          </p>
        )}
        <p className="outage-note">
          The agents keep running without the daemon. Below is their last known state; it comes back to life, and the
          actions that need Incus with it, when Incus answers.
        </p>
      </div>
      <ConnectionRetry nextRetryAt={status.state === 'unavailable' ? status.nextRetryAt : null} />
    </section>
  );
}
