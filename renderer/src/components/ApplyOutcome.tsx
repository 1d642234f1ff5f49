import { useState } from 'react';
import { InlineError } from './InlineError.js';

/** What an editor's Apply answered: Enclave's notes, or the error, whichever came last. */
export function useApplyOutcome() {
  const [notes, setNotes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  return {
    notes,
    error,
    applied(result: string[]) {
      setNotes(result);
      setError(null);
    },
    failed(message: string) {
      setError(message);
      setNotes([]);
    },
    dismissError() {
      setError(null);
    },
  };
}

/** The notes (a list) or the error (dismissable) of an editor named `prefix` in test ids. */
export function ApplyOutcome({ prefix, outcome }: { prefix: string; outcome: ReturnType<typeof useApplyOutcome> }) {
  return (
    <>
      {outcome.notes.length > 0 && (
        <ul className="limits-notes" data-testid={`${prefix}-notes`} role="status">
          {outcome.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {outcome.error && <InlineError testId={`${prefix}-error`} message={outcome.error} onDismiss={outcome.dismissError} />}
    </>
  );
}
