import { useNow } from '../hooks/useNow.js';
import { formatExact } from '../lib/time.js';
import { outageParts } from '../lib/outage.js';

/** On a card or the agent view while Incus is away: what is shown is the last known state. */
export function StaleNote({ since }: { since: string }) {
  const now = useNow();
  const parts = outageParts(since, now, true);
  return (
    <p className="stale-note" data-testid="stale-note" title={`Last known state, from before ${formatExact(since)}`}>
      <span className="stale-dot" aria-hidden="true" />
      <time dateTime={since} className="stale-since">
        Incus unavailable{parts && ` since ${parts.at}`}
      </time>{' '}
      {parts && <span className="stale-lasting">{parts.lasting}</span>}
    </p>
  );
}
