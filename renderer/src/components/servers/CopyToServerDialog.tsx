import { type FormEvent, useId, useState } from 'react';
import { AGENT_NAME_RULE, agentNameProblem } from '../../../../shared/names.js';
import { agentRef } from '../../../../shared/servers.js';
import type { Agent } from '../../../../shared/types.js';
import { displayName } from '../../lib/server-display.js';
import { copyAgentTo } from '../../server-actions.js';
import { useAgents } from '../../stores/agents.js';
import { runningOperation, useOperations } from '../../stores/operations.js';
import { useDetachedOperation } from '../../hooks/useDetachedOperation.js';
import { Modal } from '../Modal.js';
import { OperationFooter } from '../OperationFooter.js';

/** agents.copyTo: the agent copied to another connected server, under its own name or a new one. */
export function CopyToServerDialog({ agent, servers, onClose }: { agent: Agent; servers: readonly string[]; onClose(): void }) {
  const titleId = useId();
  const serverId = useId();
  const nameId = useId();
  const hintId = useId();
  const own = displayName(agent.name);
  const { close, running, error, setError, run } = useDetachedOperation(onClose);
  const sending = running !== null;
  const [server, setServer] = useState(servers[0] ?? '');
  const [name, setName] = useState('');
  const target = agentRef(server, name.trim() || own);
  const exists = useAgents((state) => state.agents.some((a) => a.name === target));
  const operation = useOperations((state) => (sending ? (runningOperation(state.byId, target) ?? runningOperation(state.byId, agent.name)) : undefined));

  const problem = (name.trim() ? agentNameProblem(name.trim()) : null) ?? (exists && !sending ? `${server} already has an agent named ${name.trim() || own}; give the copy another name.` : null);
  const canSubmit = server !== '' && problem === null && !sending;

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Portaled, but React bubbles it to any form the menu sits in.
    event.stopPropagation();
    if (!canSubmit) return;
    await run(true, () => copyAgentTo(agent.name, server, name), `Copying ${own} to ${server}`, 'copy-failed');
  }

  return (
    <Modal testId="copy-dialog" labelledBy={titleId} onClose={close}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId} className="modal-title">
          Copy {own} to another server
        </h2>
        <p className="modal-text">
          A copy of {own} from {agent.server} as it is now: its disk, limits and network policy. {own} itself stays where it is.
        </p>
        <div className="field">
          <label htmlFor={serverId}>Server</label>
          <select id={serverId} data-testid="copy-server" value={server} onChange={(event) => setServer(event.target.value)} disabled={sending}>
            {servers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={nameId}>
            Name on {server || 'that server'} <span className="optional">(optional)</span>
          </label>
          <input
            id={nameId}
            data-testid="copy-name"
            className="mono"
            value={name}
            placeholder={own}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={hintId}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            disabled={sending}
          />
          {problem ? (
            <p id={hintId} className="field-problem" data-testid="copy-name-problem" role="alert">
              {problem}
            </p>
          ) : (
            <p id={hintId} className="field-hint">
              Empty keeps the name {own}. {AGENT_NAME_RULE}
            </p>
          )}
        </div>
        <OperationFooter
          progress={sending ? (operation?.detail ?? `Copying ${own} to ${server}…`) : null}
          error={error}
          canSubmit={canSubmit}
          label="Copy"
          busyLabel="Copying…"
          testIds={{ progress: 'copy-progress', error: 'copy-error', submit: 'copy-confirm' }}
          onClose={close}
        />
      </form>
    </Modal>
  );
}
