import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAgentBusy } from '../../hooks/useAgentBusy.js';
import { errorMessage } from '../../lib/errors.js';
import { operationsOf, useOperations } from '../../stores/operations.js';
import { cancelOperation } from '../../snapshot-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

/**
 * What is happening to an agent: the running Incus operation's own progress text (with Cancel
 * when Incus allows it), or this window's action while no operation runs (between the safety
 * snapshot and the restore, say); then briefly "done", or the failure until dismissed.
 */
export function OperationStatus({ agent }: { agent: string }) {
  const { action, operation } = useAgentBusy(agent);
  const ops = useOperations(useShallow((state) => operationsOf(state.byId, agent)));
  const dismiss = useOperations((state) => state.dismiss);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);

  // The latest finished one is news enough.
  const finished = ops.filter((op) => op.state === 'done' || op.state === 'cancelled').slice(-1);
  const failed = ops.filter((op) => op.state === 'failed');

  async function cancel(id: string) {
    setCancelling(id);
    setCancelError(null);
    try {
      await cancelOperation(id);
    } catch (error) {
      setCancelError(errorMessage(error));
    } finally {
      setCancelling(null);
    }
  }

  if (!operation && !action && finished.length === 0 && failed.length === 0 && !cancelError) return null;

  return (
    <div className="op-status">
      {(operation || action) && (
        <div className="op-line" role="status" data-testid="operation-progress" data-action={operation?.action ?? action?.action}>
          <Spinner />
          <span className="op-text">{operation ? operation.detail : `${action?.label ?? ''}…`}</span>
          {operation?.mayCancel && (
            <button
              type="button"
              className="button button-small"
              data-testid="operation-cancel"
              disabled={cancelling === operation.id}
              onClick={() => void cancel(operation.id)}
            >
              Cancel
            </button>
          )}
        </div>
      )}
      {!operation &&
        !action &&
        finished.map((op) => (
          <div key={op.id} className="op-line op-finished" role="status" data-testid="operation-finished" data-state={op.state}>
            <span className="op-check" aria-hidden="true">
              {op.state === 'done' ? '✓' : '–'}
            </span>
            <span className="op-text">
              {op.detail}: {op.state === 'done' ? 'done' : 'cancelled'}
            </span>
          </div>
        ))}
      {failed.map((op) => (
        <InlineError
          key={op.id}
          testId="operation-error"
          message={`${op.detail} failed: ${op.error ?? 'no reason given'}`}
          onDismiss={() => dismiss(op.id)}
        />
      ))}
      {cancelError && <InlineError testId="operation-error" message={cancelError} onDismiss={() => setCancelError(null)} />}
    </div>
  );
}
