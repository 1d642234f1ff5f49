import { useNow } from '../hooks/useNow.js';
import { formatExact, formatRelative } from '../lib/time.js';

export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
