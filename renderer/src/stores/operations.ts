import { create } from 'zustand';
import type { OperationAction, OperationProgress } from '../../../shared/types.js';

export type OperationsById = Readonly<Record<string, OperationProgress>>;

/** How long a finished (done or cancelled) operation stays on screen. */
export const FINISHED_SHOWN_MS = 3000;

export function applyOperation(byId: OperationsById, progress: OperationProgress): OperationsById {
  return { ...byId, [progress.id]: progress };
}

export function withoutOperation(byId: OperationsById, id: string): OperationsById {
  if (!(id in byId)) return byId;
  const { [id]: _gone, ...rest } = byId;
  return rest;
}

/** After a backend reconnect: running ones are not pushed again, so only failures stay. */
export function failedOperationsOnly(byId: OperationsById): OperationsById {
  return Object.fromEntries(Object.entries(byId).filter(([, op]) => op.state === 'failed'));
}

/**
 * Failures of `action` on `agent`: dropped when this window's own call failed with the same
 * error, which it already shows where the user clicked.
 */
export function withoutFailures(byId: OperationsById, agent: string, action: OperationAction | null): OperationsById {
  const kept = Object.entries(byId).filter(
    ([, op]) => !(op.state === 'failed' && op.agent === agent && (action === null || op.action === action)),
  );
  return kept.length === Object.keys(byId).length ? byId : Object.fromEntries(kept);
}

export function operationsOf(byId: OperationsById, agent: string): OperationProgress[] {
  return Object.values(byId).filter((op) => op.agent === agent);
}

export function runningOperation(byId: OperationsById, agent: string): OperationProgress | undefined {
  return Object.values(byId).find((op) => op.agent === agent && op.state === 'running');
}

interface OperationsState {
  byId: OperationsById;
  apply(progress: OperationProgress): void;
  dismiss(id: string): void;
  dropFailures(agent: string, action: OperationAction | null): void;
  dropRunning(): void;
}

export const useOperations = create<OperationsState>()((set, get) => ({
  byId: {},
  apply(progress) {
    set((state) => ({ byId: applyOperation(state.byId, progress) }));
    if (progress.state === 'done' || progress.state === 'cancelled') {
      setTimeout(() => {
        // Only if nothing newer about it came in meanwhile.
        if (get().byId[progress.id] === progress) get().dismiss(progress.id);
      }, FINISHED_SHOWN_MS);
    }
  },
  dismiss(id) {
    set((state) => ({ byId: withoutOperation(state.byId, id) }));
  },
  dropFailures(agent, action) {
    set((state) => ({ byId: withoutFailures(state.byId, agent, action) }));
  },
  dropRunning() {
    set((state) => ({ byId: failedOperationsOnly(state.byId) }));
  },
}));
