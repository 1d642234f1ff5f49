import { useId, useRef } from 'react';
import { Modal } from '../Modal.js';
import { TakeSnapshotForm } from './TakeSnapshotForm.js';

/** "Snapshot with name/comment…" from a card. */
export function TakeSnapshotDialog({ agent, onClose }: { agent: string; onClose(): void }) {
  const titleId = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  return (
    <Modal testId="snapshot-dialog" labelledBy={titleId} onClose={onClose} initialFocus={nameRef}>
      <h2 id={titleId} className="modal-title">
        Snapshot {agent}
      </h2>
      <TakeSnapshotForm agent={agent} nameRef={nameRef} onTaken={onClose} onCancel={onClose} />
    </Modal>
  );
}
