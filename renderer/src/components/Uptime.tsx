import { useNow } from '../hooks/useNow.js';
import { formatDuration, formatExact } from '../lib/time.js';

export function Uptime({ since }: { since: string }) {
  const now = useNow();
  const started = Date.parse(since);
  if (Number.isNaN(started)) return <>—</>;
  return <span title={`Started ${formatExact(since)}`}>{formatDuration(now - started)}</span>;
}
