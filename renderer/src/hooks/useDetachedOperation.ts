import { useRef, useState } from 'react';
import { errorMessage } from '../lib/errors.js';
import { showToast } from '../stores/toasts.js';

/**
 * The operation of a dialog that goes on when the dialog is closed (copy, move, clone): while
 * open, the dialog shows it running and then its error; once closed, a failure comes as a toast,
 * since the dialog that would show it is gone. `running` is the value `run` was given (what
 * runs), null when nothing does.
 */
export function useDetachedOperation<T = true>(onClose: () => void) {
  const closed = useRef(false);
  const [running, setRunning] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);

  function close() {
    closed.current = true;
    onClose();
  }

  /** Runs `operation`, closing the dialog when it succeeds; a failure's toast says "`what` failed: reason". Resolves whether it succeeded. */
  async function run(value: T, operation: () => Promise<unknown>, what: string, failedTestId: string): Promise<boolean> {
    setRunning(value);
    setError(null);
    try {
      await operation();
      if (!closed.current) close();
      return true;
    } catch (failure) {
      if (closed.current) showToast({ tone: 'error', message: `${what} failed: ${errorMessage(failure)}`, testId: failedTestId, timeout: null });
      else {
        setRunning(null);
        setError(errorMessage(failure));
      }
      return false;
    }
  }

  return { close, running, error, setError, run };
}
