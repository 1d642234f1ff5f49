import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../shared/errors.js';
import type { OperationAction, OperationProgress } from '../../shared/types.js';
import type { IncusEvent } from '../incus/events.js';
import { cancelOperation } from '../incus/operations.js';
import type { Connection } from './connection.js';
import { operationProgressText } from './progress.js';

interface TrackerEvents {
  progress: [OperationProgress];
}

/**
 * Incus operations the user started (snapshot, restore, clone): their progress from the
 * operation events, their end, and cancelling them where Incus allows it.
 */
export class OperationTracker extends EventEmitter<TrackerEvents> {
  private readonly running = new Map<string, OperationProgress>();

  constructor(private readonly connection: Connection) {
    super();
    connection.on('event', (e) => this.onEvent(e));
  }

  /** Call with Incus's operation id as soon as Incus accepted the request. */
  started(id: string, agent: string, action: OperationAction, detail: string): void {
    const p: OperationProgress = { id, agent, action, state: 'running', detail, mayCancel: false };
    this.running.set(id, p);
    this.emit('progress', p);
  }

  finished(id: string | null, outcome: { error?: unknown } = {}): void {
    if (!id) return;
    const p = this.running.get(id);
    if (!p) return;
    this.running.delete(id);
    const error = outcome.error;
    if (error === undefined) {
      this.emit('progress', { ...p, state: 'done', mayCancel: false });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const cancelled = /cancel/i.test(message);
    this.emit('progress', { ...p, state: cancelled ? 'cancelled' : 'failed', mayCancel: false, error: message });
  }

  async cancel(id: string): Promise<void> {
    const p = this.running.get(id);
    if (!p) throw new EnclaveError('not-found', 'That operation is not running any more.');
    if (!p.mayCancel) throw new EnclaveError('conflict', `Incus cannot cancel this ${p.action} of ${p.agent} at this point.`);
    await cancelOperation(this.connection.requireClient(), id);
  }

  private onEvent(e: IncusEvent): void {
    if (e.type !== 'operation') return;
    const op = e.metadata;
    const p = this.running.get(op.id);
    if (!p) return;
    const detail = operationProgressText(op.metadata) ?? p.detail;
    const mayCancel = op.may_cancel === true;
    if (detail === p.detail && mayCancel === p.mayCancel) return;
    const next = { ...p, detail, mayCancel };
    this.running.set(op.id, next);
    this.emit('progress', next);
  }
}
