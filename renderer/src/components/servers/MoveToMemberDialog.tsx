import { type FormEvent, useId, useState } from 'react';
import type { ClusterMember } from '../../../../shared/servers.js';
import type { Agent } from '../../../../shared/types.js';
import { memberChoices } from '../../lib/cluster-format.js';
import { displayName } from '../../lib/server-display.js';
import { moveAgent } from '../../server-actions.js';
import { runningOperation, useOperations } from '../../stores/operations.js';
import { useDetachedOperation } from '../../hooks/useDetachedOperation.js';
import { Modal } from '../Modal.js';
import { OperationFooter } from '../OperationFooter.js';

/** agents.move: a stopped agent to another member of its cluster; members that cannot take it are shown, disabled. */
export function MoveToMemberDialog({ agent, members, onClose }: { agent: Agent; members: readonly ClusterMember[]; onClose(): void }) {
  const titleId = useId();
  const memberId = useId();
  const own = displayName(agent.name);
  const { close, running, error, run } = useDetachedOperation(onClose);
  const sending = running !== null;
  const choices = memberChoices(members, agent.location);
  const [member, setMember] = useState(choices.find((c) => !c.disabled)?.name ?? '');
  const operation = useOperations((state) => (sending ? runningOperation(state.byId, agent.name) : undefined));
  const canSubmit = member !== '' && !sending && agent.status === 'Stopped';

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Portaled, but React bubbles it to any form the menu sits in.
    event.stopPropagation();
    if (!canSubmit) return;
    await run(true, () => moveAgent(agent.name, member), `Moving ${own} to ${member}`, 'move-failed');
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
        <OperationFooter
          progress={sending ? (operation?.detail ?? `Moving ${own} to ${member}…`) : null}
          error={error}
          canSubmit={canSubmit}
          label="Move"
          busyLabel="Moving…"
          testIds={{ progress: 'move-progress', error: 'move-error', submit: 'move-confirm' }}
          onClose={close}
        />
      </form>
    </Modal>
  );
}
