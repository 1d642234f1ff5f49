import { useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import { errorMessage } from '../../lib/errors.js';
import { fixIsolation } from '../../network-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { DismissButton } from '../DismissButton.js';
import { FixIsolationDialog } from './FixIsolationDialog.js';
import { ProblemLine } from './ProblemLine.js';

/** Shown on the card at most; the confirmation lists them all. */
const SHOWN = 3;

/**
 * What breaks the agent's isolation, named item by item, with a fix after confirmation. Its
 * notes and errors stay after the fix, when the warning itself is gone.
 */
export function IsolationWarning({ agent, busy }: { agent: Agent; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [fixing, setFixing] = useState(false);
  const [notes, setNotes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const problems = agent.isolation;

  async function fix() {
    setConfirming(false);
    setFixing(true);
    setError(null);
    setNotes([]);
    try {
      setNotes((await fixIsolation(agent.name)).notes);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setFixing(false);
    }
  }

  return (
    <>
      {problems.length > 0 && (
        <div className="isolation-warning" role="alert" data-testid="isolation-warning" data-count={problems.length}>
          <strong className="isolation-title">
            <ShieldIcon />
            Isolation broken
          </strong>
          <ul className="isolation-problems">
            {problems.slice(0, SHOWN).map((problem) => (
              <li key={`${problem.kind}:${problem.item}`}>
                <ProblemLine problem={problem} />
              </li>
            ))}
            {problems.length > SHOWN && <li className="isolation-more">and {problems.length - SHOWN} more</li>}
          </ul>
          <button
            type="button"
            className="button button-small isolation-fix"
            data-action="fix-isolation"
            disabled={busy || fixing}
            aria-busy={fixing}
            onClick={() => setConfirming(true)}
          >
            {fixing && <Spinner />}
            Fix…
          </button>
        </div>
      )}
      {notes.length > 0 && (
        <div className="isolation-notes" role="status" data-testid="isolation-notes">
          <ul>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
          <DismissButton label="Dismiss" onClick={() => setNotes([])} />
        </div>
      )}
      {error && <InlineError testId="isolation-error" message={error} onDismiss={() => setError(null)} />}
      {confirming && (
        <FixIsolationDialog agent={agent.name} problems={problems} onCancel={() => setConfirming(false)} onConfirm={() => void fix()} />
      )}
    </>
  );
}

function ShieldIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path d="M8 1.5 13.5 3.5v4c0 3.3-2.3 5.9-5.5 7-3.2-1.1-5.5-3.7-5.5-7v-4Z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
      <path d="M8 5v3.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      <circle cx="8" cy="10.8" r="0.85" fill="currentColor" />
    </svg>
  );
}
