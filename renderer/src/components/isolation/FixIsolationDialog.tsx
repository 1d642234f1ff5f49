import { useId, useRef } from 'react';
import type { IsolationProblem } from '../../../../shared/types.js';
import { restartNeeded } from '../../lib/isolation-format.js';
import { Modal } from '../Modal.js';
import { ProblemLine } from './ProblemLine.js';

interface FixIsolationDialogProps {
  agent: string;
  problems: readonly IsolationProblem[];
  onConfirm(): void;
  onCancel(): void;
}

/** Lists each problem and what its fix does before anything changes; Cancel has the focus. */
export function FixIsolationDialog({ agent, problems, onConfirm, onCancel }: FixIsolationDialogProps) {
  const titleId = useId();
  const textId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Modal testId="fix-isolation-dialog" labelledBy={titleId} describedBy={textId} onClose={onCancel} initialFocus={cancel}>
      <h2 id={titleId} className="modal-title">
        Fix the isolation of {agent}
      </h2>
      <p id={textId} className="modal-text">
        Enclave changes {agent}'s config in Incus so it holds only what Enclave gives an agent:
      </p>
      <ul className="fix-list">
        {problems.map((problem) => (
          <li key={`${problem.kind}:${problem.item}`} className="fix-item" data-testid="fix-item">
            <ProblemLine problem={problem} />
            <span className="fix-what">
              Fix: {problem.fix}
              {problem.needsRestart && <span className="fix-restart">at next start</span>}
            </span>
          </li>
        ))}
      </ul>
      {restartNeeded(problems) && (
        <p className="section-note">Fixes marked "at next start" take effect when {agent} next starts; the others apply now.</p>
      )}
      <div className="modal-actions">
        <button ref={cancel} type="button" className="button" data-testid="cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button-primary" data-testid="confirm-fix" onClick={onConfirm}>
          Fix {problems.length === 1 ? 'it' : `all ${problems.length}`}
        </button>
      </div>
    </Modal>
  );
}
