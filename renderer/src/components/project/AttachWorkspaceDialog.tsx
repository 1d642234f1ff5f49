import { type FormEvent, useId, useRef, useState } from 'react';
import { useWorkspaceInspection } from '../../hooks/useWorkspaceInspection.js';
import { errorMessage } from '../../lib/errors.js';
import { type ProjectDraft, EMPTY_PROJECT, projectProblem, requestFromDraft } from '../../lib/workspace-form.js';
import { useAgents } from '../../stores/agents.js';
import { useAttachWorkspace } from '../../stores/attach-workspace.js';
import { useProgress } from '../../stores/progress.js';
import { showToast } from '../../stores/toasts.js';
import { attachWorkspace } from '../../attach-actions.js';
import { InlineError } from '../InlineError.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { ProjectFields } from './ProjectFields.js';

/** Mounted once for the window (App); opened by useAttachWorkspace.open(agent). */
export function AttachWorkspaceDialogHost() {
  const agent = useAttachWorkspace((state) => state.agent);
  const close = useAttachWorkspace((state) => state.close);
  if (!agent) return null;
  return <AttachWorkspaceDialog key={agent} agent={agent} onClose={close} />;
}

const RAISE_DISK_WHERE = 'in the agent\u2019s Limits';

/**
 * "Add a project…" for an agent that has none: the wizard's project fields (without "No
 * project"), sent as workspace.attach. Closing it while the copy runs lets it go on; the
 * outcome then arrives as a toast.
 */
function AttachWorkspaceDialog({ agent, onClose }: { agent: string; onClose(): void }) {
  const titleId = useId();
  const closed = useRef(false);
  const [draft, setDraft] = useState<ProjectDraft>({ ...EMPTY_PROJECT, choice: 'copy' });
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const known = useAgents((state) => state.agents.find((a) => a.name === agent));
  const progress = useProgress((state) => (sending ? state.byAgent[agent] : undefined));
  const { inspect, recheck } = useWorkspaceInspection(draft, known?.limits.disk ?? '');

  const has = known?.workspace ?? null;
  const problem = has ? `${agent} already has a project (${has.source}).` : projectProblem(draft, inspect, RAISE_DISK_WHERE);
  const request = requestFromDraft(draft, inspect);

  function close() {
    closed.current = true;
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (problem || !request || sending) return;
    setSending(true);
    setError(null);
    try {
      const result = await attachWorkspace(agent, request);
      for (const note of result.notes) showToast({ tone: 'info', message: `${agent}: ${note}` });
      if (!closed.current) close();
    } catch (failure) {
      if (closed.current) {
        showToast({ tone: 'error', message: `The project did not come into ${agent}: ${errorMessage(failure)}`, timeout: null });
      } else {
        setSending(false);
        setError(errorMessage(failure));
      }
    }
  }

  return (
    <Modal testId="attach-workspace-dialog" labelledBy={titleId} onClose={close} className="modal-project">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId} className="modal-title">
          Add a project to {agent}
        </h2>
        <p className="modal-text">It appears in the agent at /workspace. A copy is reviewed in the Changes panel before anything comes back to your repository.</p>
        <ProjectFields
          draft={draft}
          onChange={(next) => {
            setDraft(next);
            setError(null);
          }}
          inspect={inspect}
          recheck={recheck}
          allowNone={false}
          raiseDiskWhere={RAISE_DISK_WHERE}
          disabled={sending}
        />
        {sending && (
          <p className="op-line" role="status" data-testid="attach-progress">
            <Spinner /> {progress?.stage === 'workspace' && progress.detail ? `Copying the project… ${progress.detail}` : draft.choice === 'copy' ? 'Copying the project…' : 'Mounting the folder…'}
          </p>
        )}
        {error && <InlineError testId="attach-error" message={error} onDismiss={() => setError(null)} />}
        <div className="modal-actions">
          <p className="wizard-blocker" data-testid="attach-blocker" aria-live="polite">
            {!sending && problem ? problem : ''}
          </p>
          <button type="button" className="button" data-testid="attach-cancel" onClick={close}>
            {sending ? 'Hide' : 'Cancel'}
          </button>
          <button type="submit" className="button button-primary" data-testid="attach-submit" disabled={problem !== null || request === null || sending}>
            {sending && <Spinner />}
            {sending ? 'Adding…' : draft.choice === 'mount' ? 'Mount it' : 'Copy it in'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
