import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../lib/errors.js';
import { type Toast, useToasts } from '../stores/toasts.js';
import { DismissButton } from './DismissButton.js';
import { Spinner } from './Spinner.js';

/**
 * Short news in a corner: what just finished, with an action such as Undo where one exists.
 * The app puts this between the agents and the terminal dock: toasts rise from the dock's top
 * edge (or the window's bottom without one) and never cover a terminal or tmux's status line.
 */
export function Toasts() {
  const toasts = useToasts((state) => state.toasts);
  return (
    <div className="toast-anchor">
      <div className="toasts" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <ToastView key={toast.id} toast={toast} />
        ))}
      </div>
    </div>
  );
}

function ToastView({ toast }: { toast: Toast }) {
  const dismiss = useToasts((state) => state.dismiss);
  const [held, setHeld] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acting = useRef(false);

  // Counts down only while neither hovered nor focused, nor doing its action, nor failed.
  const paused = held || running || error !== null;
  useEffect(() => {
    if (toast.timeout === null || paused) return;
    const timer = setTimeout(() => dismiss(toast.id), toast.timeout);
    return () => clearTimeout(timer);
  }, [toast.id, toast.timeout, paused, dismiss]);

  async function act() {
    if (!toast.action || acting.current) return;
    acting.current = true;
    setRunning(true);
    setError(null);
    try {
      await toast.action.run();
      dismiss(toast.id);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      acting.current = false;
      setRunning(false);
    }
  }

  return (
    <div
      className={`toast toast-${error ? 'error' : toast.tone}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      data-testid={toast.testId}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <div className="toast-body">
        <span className="toast-message">{toast.message}</span>
        {error && (
          <span className="toast-problem" data-testid="toast-error">
            {error}
          </span>
        )}
      </div>
      {toast.action && (
        <button
          type="button"
          className="button button-small toast-action"
          data-testid={toast.action.testId}
          disabled={running}
          aria-busy={running}
          onClick={() => void act()}
        >
          {running && <Spinner />}
          {toast.action.label}
        </button>
      )}
      <DismissButton label="Dismiss" onClick={() => dismiss(toast.id)} />
    </div>
  );
}
