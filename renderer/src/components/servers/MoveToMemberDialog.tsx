import { type FormEvent, useId, useRef, useState } from 'react';
import type { ClusterMember } from '../../../../shared/servers.js';
import type { Agent } from '../../../../shared/types.js';
import { memberChoices } from '../../lib/cluster-format.js';
import { errorMessage } from '../../lib/errors.js';
import { displayName } from '../../lib/server-display.js';
import { moveAgent } from '../../server-actions.js';
import { runningOperation, useOperations } from '../../stores/operations.js';
import { showToast } from '../../stores/toasts.js';
import { InlineError } from '../InlineError.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';

/** agents.move: a stopped agent to another member of its cluster; members that cannot take it are shown, disabled. */
export function MoveToMemberDialog({ agent, members, onClose }: { agent: Agent; members: readonly ClusterMember[]; onClose(): void }) {
  const titleId = useId();
  const memberId = useId();
  const closed = useRef(false);
  const own = displayName(agent.name);
  const choices = memberChoices(members, agent.location);
  const [member, setMember] = useState(choices.find((c) => !c.disabled)?.name ?? '');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const operation = useOperations((state) => (sending ? runningOperation(state.byId, agent.name) : undefined));
  const canSubmit = member !== '' && !sending && agent.status === 'Stopped';

  function close() {
    closed.current = true;
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Portaled, but React bubbles it to any form the menu sits in.
    event.stopPropagation();
    if (!canSubmit) return;
    setSending(true);
    setError(null);
    try {
      await moveAgent(agent.name, member);
      if (!closed.current) close();
    } catch (failure) {
      if (closed.current) showToast({ tone: 'error', message: `Moving ${own} to ${member} failed: ${errorMessage(failure)}`, testId: 'move-failed', timeout: null });
      else {
        setSending(false);
        setError(errorMessage(failure));
      }
    }
  }

  return (
    <Modal testId="move-dialog" labelledBy={titleId} onClose={close}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId} className="modal-title">
          Move {own} to another member
        </h2>
        <p className="modal-text">
          {own} is on {agent.location ?? 'an unknown member'} of {agent.server}. Moving a stopped agent copies its disk to the other
          member; it stays stopped.
        </p>
        <div className="field">
          <label htmlFor={memberId}>Member</label>
          <select id={memberId} data-testid="move-member" value={member} onChange={(event) => setMember(event.target.value)} disabled={sending}>
            {member === '' && <option value="">No member can take it</option>}
            {choices.map((c) => (
              <option key={c.name} value={c.name} disabled={c.disabled}>
                {c.label}
              </option>
            ))}
          </select>
          {agent.status !== 'Stopped' && (
            <p className="field-problem" role="alert">
              Stop {own} first: only a stopped agent moves.
            </p>
          )}
        </div>
        {sending && (
          <div className="op-line" role="status" data-testid="move-progress">
            <Spinner />
            <span className="op-text">{operation?.detail ?? `Moving ${own} to ${member}…`}</span>
          </div>
        )}
        {error && <InlineError testId="move-error" message={error} />}
        <div className="modal-actions">
          <button type="button" className="button" onClick={close}>
            {sending ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button button-primary" data-testid="move-confirm" disabled={!canSubmit} aria-busy={sending}>
            {sending && <Spinner />}
            {sending ? 'Moving…' : 'Move'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
