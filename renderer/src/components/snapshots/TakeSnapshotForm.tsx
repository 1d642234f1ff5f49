import { type FormEvent, type RefObject, useId, useState } from 'react';
import { SNAPSHOT_NAME_RULE, snapshotNameProblem } from '../../../../shared/names.js';
import { useAgentBusy } from '../../hooks/useAgentBusy.js';
import { errorMessage } from '../../lib/errors.js';
import { isMacPlatform } from '../../terminal/links.js';
import { snapshotShortcutLabel } from '../../lib/shortcuts.js';
import { useSnapshots } from '../../stores/snapshots.js';
import { takeSnapshot } from '../../snapshot-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

interface TakeSnapshotFormProps {
  agent: string;
  /** After a snapshot was taken. */
  onTaken?(): void;
  onCancel?(): void;
  nameRef?: RefObject<HTMLInputElement | null>;
}

/** The problem with an optional snapshot name: empty is fine (the backend names it by time). */
export function optionalNameProblem(name: string, taken: readonly string[], agent: string): string | null {
  if (name === '') return null;
  const problem = snapshotNameProblem(name);
  if (problem) return problem;
  if (taken.includes(name)) return `${agent} already has a snapshot named "${name}".`;
  return null;
}

/** Name and comment, both optional, checked as they are typed. */
export function TakeSnapshotForm({ agent, onTaken, onCancel, nameRef }: TakeSnapshotFormProps) {
  const nameId = useId();
  const hintId = useId();
  const commentId = useId();
  const [name, setName] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const { busy } = useAgentBusy(agent);
  const snapshots = useSnapshots((state) => state.byAgent[agent]?.snapshots);
  const taken = (snapshots ?? []).map((s) => s.name);

  const problem = optionalNameProblem(name, taken, agent);
  const canSubmit = !problem && !busy && !sending;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSubmit) return;
    setSending(true);
    setError(null);
    try {
      await takeSnapshot(agent, { name, comment: comment.trim(), toast: true });
      setName('');
      setComment('');
      onTaken?.();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="take-form" onSubmit={(event) => void submit(event)} noValidate data-testid="snapshot-form">
      <div className="take-fields">
        <div className="field">
          <label htmlFor={nameId}>
            Name <span className="optional">(optional)</span>
          </label>
          <input
            id={nameId}
            ref={nameRef}
            data-testid="snapshot-name"
            value={name}
            placeholder="snap-… (date and time)"
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={hintId}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
          />
        </div>
        <div className="field field-grow">
          <label htmlFor={commentId}>
            Comment <span className="optional">(optional)</span>
          </label>
          <input
            id={commentId}
            data-testid="snapshot-comment"
            value={comment}
            placeholder="Why this moment matters"
            onChange={(event) => setComment(event.target.value)}
            maxLength={1024}
          />
        </div>
      </div>
      {problem ? (
        <p id={hintId} className="field-problem" data-testid="snapshot-name-problem" role="alert">
          {problem}
        </p>
      ) : (
        <p id={hintId} className="field-hint">
          {SNAPSHOT_NAME_RULE} Shortcut: {snapshotShortcutLabel(isMacPlatform)} takes one at once.
        </p>
      )}
      {error && <InlineError testId="snapshot-error" message={error} onDismiss={() => setError(null)} />}
      <div className="take-actions">
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="button button-primary" data-testid="snapshot-create" disabled={!canSubmit} aria-busy={sending}>
          {sending && <Spinner />}
          {sending ? 'Taking snapshot…' : 'Take snapshot'}
        </button>
      </div>
    </form>
  );
}
