import { useId, useRef } from 'react';
import { Modal } from './Modal.js';

interface ConfirmDialogProps {
  title: string;
  /** Said first and in bold: what the user most needs to know (e.g. what is lost). */
  lead?: string;
  message: string;
  confirmLabel: string;
  /** Red for what cannot be undone (the default); the accent colour for what can. */
  tone?: 'danger' | 'primary';
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before something destructive; Cancel has the initial focus so Enter does no harm. */
export function ConfirmDialog({ title, lead, message, confirmLabel, tone = 'danger', onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const messageId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      testId="confirm-dialog"
      labelledBy={titleId}
      describedBy={messageId}
      onClose={onCancel}
      initialFocus={cancel}
      className="modal-small"
    >
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      <div id={messageId}>
        {lead && (
          <p className="modal-text modal-lead" data-testid="confirm-lead">
            <strong>{lead}</strong>
          </p>
        )}
        <p className="modal-text">{message}</p>
      </div>
      <div className="modal-actions">
        <button ref={cancel} type="button" className="button" data-testid="cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={`button button-${tone}`} data-testid="confirm" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
