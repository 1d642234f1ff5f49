import { create } from 'zustand';
import type { AgentProgress } from '../../../shared/types.js';
import { isNote } from '../lib/progress.js';

export type ProgressByAgent = Readonly<Record<string, AgentProgress>>;

/**
 * Keeps the latest progress per agent; a plain `ready` means there is nothing left to show,
 * except a note (isNote) that came before it, kept until dismissed or a new stage.
 */
export function applyProgress(byAgent: ProgressByAgent, progress: AgentProgress): ProgressByAgent {
  if (progress.stage === 'ready' && !isNote(progress)) {
    const known = byAgent[progress.name];
    return known && isNote(known) ? byAgent : withoutAgent(byAgent, progress.name);
  }
  return { ...byAgent, [progress.name]: progress };
}

export function withoutAgent(byAgent: ProgressByAgent, name: string): ProgressByAgent {
  if (!(name in byAgent)) return byAgent;
  const { [name]: _removed, ...rest } = byAgent;
  return rest;
}

/** Only failures survive a reconnect: in-flight stages will be pushed again if still running. */
export function failuresOnly(byAgent: ProgressByAgent): ProgressByAgent {
  return Object.fromEntries(Object.entries(byAgent).filter(([, progress]) => progress.stage === 'failed'));
}

interface ProgressState {
  byAgent: ProgressByAgent;
  apply(progress: AgentProgress): void;
  /** Records a create call that failed after its dialog closed, so its card can say why. */
  fail(name: string, error: string): void;
  dismiss(name: string): void;
  dropInFlight(): void;
}

export const useProgress = create<ProgressState>()((set) => ({
  byAgent: {},
  apply(progress) {
    set((state) => ({ byAgent: applyProgress(state.byAgent, progress) }));
  },
  fail(name, error) {
    set((state) => ({ byAgent: applyProgress(state.byAgent, { name, stage: 'failed', detail: '', error }) }));
  },
  dismiss(name) {
    set((state) => ({ byAgent: withoutAgent(state.byAgent, name) }));
  },
  dropInFlight() {
    set((state) => ({ byAgent: failuresOnly(state.byAgent) }));
  },
}));
