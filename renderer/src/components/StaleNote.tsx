import { useNow } from '../hooks/useNow.js';
import { formatExact } from '../lib/time.js';
import { outageText } from '../lib/outage.js';

/** On a card or the agent view while Incus is away: what is shown is the last known state. */
export function StaleNote({ since }: { since: string }) {
  const now = useNow();
  return (
    <p className="stale-note" data-testid="stale-note" title={`Last known state, from before ${formatExact(since)}`}>
      <span className="stale-dot" aria-hidden="true" />
      <time dateTime={since}>{outageText(since, now)}</time>
    </p>
  );
}
