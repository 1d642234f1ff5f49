import { useState } from 'react';
import { useConnection } from '../stores/connection.js';
import { DismissButton } from './DismissButton.js';

/** Incus's storage caveat (e.g. a `dir` pool), until the user dismisses that exact warning. */
export function StorageWarning() {
  const warning = useConnection((state) => (state.status?.state === 'connected' ? state.status.warning : null));
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (!warning || warning === dismissed) return null;
  return (
    <div className="banner banner-warn" role="status" data-testid="storage-warning">
      <span className="banner-text">{warning}</span>
      <DismissButton label="Dismiss storage warning" onClick={() => setDismissed(warning)} />
    </div>
  );
}
