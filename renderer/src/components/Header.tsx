import { ConnectionIndicator } from './ConnectionIndicator.js';
import { ImagesNavButton } from './images/ImagesNavButton.js';
import { PlusIcon } from './PlusIcon.js';
import { SettingsGearIcon } from './HeaderIcons.js';
import { ThemeToggle } from './ThemeToggle.js';

interface HeaderProps {
  canCreate: boolean;
  onNewAgent(): void;
  canConfigure: boolean;
  onSettings(): void;
}

export function Header({ canCreate, onNewAgent, canConfigure, onSettings }: HeaderProps) {
  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <rect x="2.5" y="2.5" width="19" height="19" rx="5" fill="none" stroke="currentColor" strokeWidth="2" />
          <rect x="7.5" y="7.5" width="9" height="9" rx="2" fill="currentColor" />
        </svg>
        <span className="brand-name">Enclave</span>
      </div>
      <div className="header-tools">
        <ConnectionIndicator />
        <ThemeToggle />
        <ImagesNavButton />
        <button
          type="button"
          className="button header-button"
          data-testid="settings-open"
          title={canConfigure ? 'Settings of new agents, snapshots and the guard' : 'Settings are available once the backend is reachable'}
          disabled={!canConfigure}
          onClick={onSettings}
        >
          <SettingsGearIcon />
          <span className="header-button-label">Settings</span>
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="new-agent"
          disabled={!canCreate}
          title={canCreate ? undefined : 'Available once Incus is connected'}
          onClick={onNewAgent}
        >
          <PlusIcon />
        New agent
        </button>
      </div>
    </header>
  );
}
