import { useState } from 'react';
import { errorMessage } from '../lib/errors.js';

/**
 * One call at a time from a control: `busy` while it runs, its failure as `error` (in the
 * backend's words) until the next call or `clearError`. `run` calls `then` on success.
 */
export function usePendingCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (work: () => Promise<unknown>, then?: () => void) => {
    setBusy(true);
    setError(null);
    work().then(
      () => {
        setBusy(false);
        then?.();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(errorMessage(failure));
      },
    );
  };
  return { busy, error, run, clearError: () => setError(null) };
}
