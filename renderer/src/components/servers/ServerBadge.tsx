import { useServers } from '../../stores/servers.js';
import { badgeText, showServerBadges } from '../../lib/server-display.js';

/** The agent's server (and cluster member) on its card, once there is more than one server. */
export function ServerBadge({ server, location }: { server: string; location: string | null }) {
  const shown = useServers((state) => showServerBadges(state.servers));
  if (!shown && !location) return null;
  const text = shown ? badgeText(server, location) : (location ?? '');
  return (
    <span
      className="server-badge"
      data-testid="server-badge"
      data-server={server}
      data-location={location ?? undefined}
      title={location ? `On server ${server}, cluster member ${location}` : `On server ${server}`}
    >
      <ServerIcon />
      {text}
    </span>
  );
}

export function ServerIcon() {
  return (
    <svg viewBox="0 0 16 16" width="11" height="11" aria-hidden="true">
      <rect x="2" y="2.5" width="12" height="4.5" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <rect x="2" y="9" width="12" height="4.5" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <circle cx="4.8" cy="4.75" r="0.9" fill="currentColor" />
      <circle cx="4.8" cy="11.25" r="0.9" fill="currentColor" />
    </svg>
  );
}
