import type { ReactNode } from 'react';
import { InlineError } from './InlineError.js';
import { Spinner } from './Spinner.js';

interface OperationFooterProps {
  /** What runs, in Incus's words when it gives some; null while nothing runs. */
  progress: string | null;
  error: string | null;
  canSubmit: boolean;
  /** The submit button's label, and its label while the operation runs. */
  label: string;
  busyLabel: string;
  testIds: { progress: string; error: string; submit: string };
  onClose(): void;
  /** Shown between the progress and the error. */
  children?: ReactNode;
}

/**
 * The foot of a dialog whose operation goes on once it is closed: the progress while it runs,
 * the error if it failed, Cancel (Close while it runs, the operation going on) and submit.
 */
export function OperationFooter({ progress, error, canSubmit, label, busyLabel, testIds, onClose, children }: OperationFooterProps) {
  const running = progress !== null;
  return (
    <>
      {running && (
        <div className="op-line" role="status" data-testid={testIds.progress}>
          <Spinner />
          <span className="op-text">{progress}</span>
        </div>
      )}
      {children}
      {error && <InlineError testId={testIds.error} message={error} />}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          {running ? 'Close' : 'Cancel'}
        </button>
        <button type="submit" className="button button-primary" data-testid={testIds.submit} disabled={!canSubmit} aria-busy={running}>
          {running && <Spinner />}
          {running ? busyLabel : label}
        </button>
      </div>
    </>
  );
}
