import { useId, useReducer, useRef } from 'react';
import { EnclaveError } from '../../../../shared/errors.js';
import { agentBranch, type BringBackAs, type WorkspaceChanges } from '../../../../shared/workspace.js';
import { shortSha } from '../../lib/changes-list.js';
import { errorMessage } from '../../lib/errors.js';
import { fetchArgs, gateProblem, gateReducer, gateSteps, openGate } from '../../lib/gate-dialog.js';
import { bringBack } from '../../workspace-actions.js';
import { InlineError } from '../InlineError.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { StatusLetter } from './ChangedFileRow.js';

interface BringBackDialogProps {
  agent: string;
  as: BringBackAs;
  /** The changes on screen when the user chose to bring them back: exactly what is reviewed. */
  changes: WorkspaceChanges;
  /** The host repository (the workspace's source). */
  source: string;
  onClose(): void;
}

const SHOWN_FILES = 20;

/** The review gate: says exactly what happens, then brings back what the user reviewed (or says why not). */
export function BringBackDialog({ agent, as, changes, source, onClose }: BringBackDialogProps) {
  const titleId = useId();
  const messageId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const [state, dispatch] = useReducer(gateReducer, undefined, () => openGate(agent, as, changes));
  const branch = agentBranch(agent);
  const problem = gateProblem(state);
  const phase = state.phase;

  async function submit(force: boolean) {
    if (problem || phase.kind === 'running') return;
    dispatch({ type: 'submit', force });
    try {
      dispatch({ type: 'succeeded', result: await bringBack(fetchArgs(state, force)) });
    } catch (error) {
      dispatch({ type: 'failed', code: error instanceof EnclaveError ? error.code : null, message: errorMessage(error) });
    }
  }

  const title = as === 'branch' ? `Fetch as branch ${branch}` : 'Apply to working tree';
  const editable = phase.kind === 'review' || phase.kind === 'confirm-replace';

  return (
    <Modal testId="bring-back-dialog" labelledBy={titleId} onClose={onClose} initialFocus={cancel} className="modal-gate">
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      <p className="modal-text gate-reviewed" data-testid="gate-reviewed">
        What you reviewed: {changes.files.length.toLocaleString('en-US')} file{changes.files.length === 1 ? '' : 's'}, head{' '}
        <code>{shortSha(changes.head)}</code> on base <code>{shortSha(changes.base)}</code>, into <code className="gate-source">{source}</code>
      </p>

      {phase.kind === 'done' ? (
        <div className="gate-result" data-testid="gate-result" role="status">
          <p className="modal-text modal-lead">
            {phase.result.as === 'branch' ? (
              <>
                Your repository now has branch <code>{phase.result.branch ?? branch}</code> at <code>{shortSha(phase.result.commit)}</code>.
              </>
            ) : (
              <>
                Applied <code>{shortSha(phase.result.commit)}</code> to your working tree. Nothing was committed there.
              </>
            )}
          </p>
          {phase.result.committedInside && <p className="modal-text">The uncommitted work was committed inside the agent first.</p>}
          {phase.result.replaced && (
            <p className="modal-text">
              It replaced the branch’s previous commit <code>{shortSha(phase.result.replaced)}</code>.
            </p>
          )}
          {phase.result.as === 'branch' && (
            <p className="modal-text">
              See it with <code className="gate-command">git log {phase.result.branch ?? branch}</code>
            </p>
          )}
          <ul className="gate-files" data-testid="gate-files">
            {phase.result.files.slice(0, SHOWN_FILES).map((f) => (
              <li key={`${f.status}:${f.path}`}>
                <StatusLetter status={f.status} /> <span className="gate-file-path">{f.path}</span>
              </li>
            ))}
          </ul>
          {(phase.result.files.length > SHOWN_FILES || phase.result.filesTruncated) && (
            <p className="modal-text gate-more">and {phase.result.filesTruncated ? 'more' : (phase.result.files.length - SHOWN_FILES).toLocaleString('en-US')} more</p>
          )}
        </div>
      ) : phase.kind === 'changed' ? (
        <div className="gate-changed" data-testid="gate-changed" role="alert">
          <p className="modal-text modal-lead">The agent’s work changed since you reviewed it: nothing was brought back.</p>
          <p className="modal-text">The list of changes has been read again. Look at it, then bring it back again.</p>
          <p className="modal-text gate-backend">{phase.message}</p>
        </div>
      ) : (
        <>
          {phase.kind === 'confirm-replace' ? (
            <div className="gate-warning" data-testid="gate-replace" role="alert">
              <p className="modal-text modal-lead">
                {phase.why === 'rewritten'
                  ? `The agent rewrote its history: its work no longer builds on the base commit ${shortSha(changes.base)}.`
                  : `Branch ${branch} in your repository has commits this work does not contain.`}
              </p>
              <p className="modal-text">
                Fetching it replaces <code>{branch}</code> in your repository with the agent’s commit. Your other branches and your working tree are not touched.
              </p>
              {phase.detail && <p className="modal-text gate-backend">{phase.detail}</p>}
            </div>
          ) : (
            <ol className="gate-steps" data-testid="gate-steps">
              {gateSteps(state).map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          )}
          {state.reviewed.uncommittedFiles > 0 && (
            <div className="field gate-message">
              <label htmlFor={messageId}>Commit message for the uncommitted work</label>
              <textarea
                id={messageId}
                data-testid="gate-message"
                rows={3}
                value={state.message}
                disabled={!editable}
                aria-invalid={problem ? true : undefined}
                onChange={(event) => dispatch({ type: 'edit', message: event.target.value })}
              />
              {problem && <p className="field-problem">{problem}</p>}
            </div>
          )}
          {phase.kind === 'failed' && <InlineError testId="gate-error" message={phase.message} />}
        </>
      )}

      <div className="modal-actions">
        {phase.kind === 'running' && (
          <span className="gate-running" role="status">
            <Spinner /> {as === 'branch' ? 'Fetching…' : 'Applying…'}
          </span>
        )}
        <button ref={cancel} type="button" className="button" data-testid="cancel" onClick={onClose} disabled={phase.kind === 'running'}>
          {phase.kind === 'done' || phase.kind === 'changed' ? 'Close' : 'Cancel'}
        </button>
        {phase.kind === 'failed' && (
          <button type="button" className="button" data-testid="gate-back" onClick={() => dispatch({ type: 'back' })}>
            Back
          </button>
        )}
        {phase.kind === 'review' && (
          <button type="button" className="button button-primary" data-testid="gate-confirm" disabled={problem !== null} onClick={() => void submit(false)}>
            {as === 'branch' ? `Fetch as ${branch}` : 'Apply to working tree'}
          </button>
        )}
        {phase.kind === 'confirm-replace' && (
          <button type="button" className="button button-danger" data-testid="gate-replace-confirm" disabled={problem !== null} onClick={() => void submit(true)}>
            Replace {branch}
          </button>
        )}
      </div>
    </Modal>
  );
}
