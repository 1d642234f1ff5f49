import { type FormEvent, useId, useRef, useState } from 'react';
import { AGENT_NAME_RULE, agentNameProblem } from '../../../../shared/names.js';
import { useAgentBusy } from '../../hooks/useAgentBusy.js';
import { useDetachedOperation } from '../../hooks/useDetachedOperation.js';
import { suggestCloneName } from '../../lib/clone-name.js';
import { displayName, serverOfRef, takenOn } from '../../lib/server-display.js';
import { agentRef } from '../../../../shared/servers.js';
import { type CloneSource, useAgentView } from '../../stores/agent-view.js';
import { useAgents } from '../../stores/agents.js';
import { runningOperation, useOperations } from '../../stores/operations.js';
import { useProgress } from '../../stores/progress.js';
import { cloneAgent } from '../../snapshot-actions.js';
import { Modal } from '../Modal.js';
import { OperationFooter } from '../OperationFooter.js';

/** The names taken on `server` (a clone lands on its source's server). */
function takenNames(server: string): string[] {
  return takenOn(server, [...useAgents.getState().agents.map((agent) => agent.name), ...Object.keys(useProgress.getState().byAgent)]);
}

/** Opened from a card (the live agent) or a snapshot row; one at a time, for the whole window. */
export function CloneDialogHost() {
  const cloning = useAgentView((state) => state.cloning);
  const close = useAgentView((state) => state.closeClone);
  if (!cloning) return null;
  return <CloneDialog key={`${cloning.source}/${cloning.snapshot ?? ''}`} from={cloning} onClose={close} />;
}

/**
 * A new agent from a snapshot or from the live agent. The name is suggested from the source
 * and checked as it is typed. The dialog stays while the clone runs (showing Incus's progress);
 * closing it meanwhile lets the clone go on, and its outcome arrives as a toast.
 */
function CloneDialog({ from, onClose }: { from: CloneSource; onClose(): void }) {
  const titleId = useId();
  const nameId = useId();
  const hintId = useId();
  const nameInput = useRef<HTMLInputElement>(null);
  const { source, snapshot } = from;
  // The name typed is bare: the clone is made on the source's own server.
  const server = serverOfRef(source);
  const [name, setName] = useState(() => suggestCloneName(displayName(source), snapshot, takenNames(server)));
  const { close, running: sending, error, setError, run } = useDetachedOperation<string>(onClose);
  const exists = useAgents((state) => state.agents.some((agent) => agent.name === agentRef(server, name)));
  const sourceBusy = useAgentBusy(source).busy && snapshot === null;
  const operation = useOperations((state) => (sending ? runningOperation(state.byId, sending) : undefined));

  const problem = agentNameProblem(name) ?? (exists && !sending ? `An agent named "${name}" already exists. Choose another name.` : null);
  const canSubmit = !problem && !sending && !sourceBusy;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSubmit) return;
    const target = agentRef(server, name);
    if (await run(target, () => cloneAgent(source, snapshot, target), `Cloning into ${target}`, 'clone-failed')) {
      requestAnimationFrame(() => {
        document
          .querySelector(`[data-testid="agent-card"][data-agent="${CSS.escape(target)}"]`)
          ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      });
    } else {
      nameInput.current?.focus();
    }
  }

  const what = snapshot ? `snapshot ${snapshot} of ${source}` : `${source} as it is now`;
  return (
    <Modal testId="clone-dialog" labelledBy={titleId} onClose={close} initialFocus={nameInput}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId} className="modal-title">
          Clone {snapshot ? `${source} at ${snapshot}` : source}
        </h2>
        <p className="modal-text">
          A new agent from {what}: same image, limits and settings, started when ready.
          {snapshot === null && ` ${source} is held still while it is copied.`}
        </p>
        <div className="field">
          <label htmlFor={nameId}>Name of the new agent</label>
          <input
            id={nameId}
            ref={nameInput}
            data-testid="clone-name"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={hintId}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            disabled={sending !== null}
          />
          {problem ? (
            <p id={hintId} className="field-problem" data-testid="clone-name-problem" role="alert">
              {problem}
            </p>
          ) : (
            <p id={hintId} className="field-hint">
              {AGENT_NAME_RULE}
            </p>
          )}
        </div>
        <OperationFooter
          progress={sending ? (operation?.detail ?? `Cloning ${snapshot ? `${source}/${snapshot}` : source} into ${sending}…`) : null}
          error={error}
          canSubmit={canSubmit}
          label="Clone"
          busyLabel="Cloning…"
          testIds={{ progress: 'clone-progress', error: 'clone-error', submit: 'clone-create' }}
          onClose={close}
        >
          {sourceBusy && !sending && <p className="field-hint">{source} is busy; cloning it waits until that finishes.</p>}
        </OperationFooter>
      </form>
    </Modal>
  );
}
