/**
 * The review gate's dialog as a state machine: what the user reviewed (the fingerprint and
 * head of the changes on screen), the commit message for uncommitted work, and what came
 * back. A refusal because the work changed since the review sends the user back to the
 * (refreshed) list; a branch that cannot be moved forward needs a separate, explicit Replace.
 */
import type { Requests } from '../../../shared/api.js';
import type { z } from 'zod';
import type { ErrorCode } from '../../../shared/types.js';
import { agentBranch, commitMessageProblem, type BringBackAs, type BroughtBack, type WorkspaceChanges } from '../../../shared/workspace.js';

export type FetchArgs = z.input<Requests['workspace.fetch']['args']>;

export type GatePhase =
  /** The dialog says what will happen; the user may edit the message. */
  | { kind: 'review' }
  /** The host branch would be replaced: asks again, naming the branch. */
  | { kind: 'confirm-replace'; why: 'rewritten' | 'diverged'; detail: string | null }
  | { kind: 'running'; force: boolean }
  | { kind: 'done'; result: BroughtBack }
  /** The work changed since it was reviewed: the list was refreshed; review it again. */
  | { kind: 'changed'; message: string }
  | { kind: 'failed'; message: string };

export interface GateState {
  agent: string;
  as: BringBackAs;
  /** What the user looked at when they opened the dialog. */
  reviewed: { fingerprint: string; head: string | null; uncommittedFiles: number; rewritten: boolean };
  message: string;
  phase: GatePhase;
}

export function defaultCommitMessage(agent: string): string {
  return `Work of ${agent}`;
}

export function openGate(agent: string, as: BringBackAs, changes: WorkspaceChanges): GateState {
  return {
    agent,
    as,
    reviewed: { fingerprint: changes.fingerprint, head: changes.head, uncommittedFiles: changes.uncommittedFiles, rewritten: changes.state === 'rewritten' },
    message: defaultCommitMessage(agent),
    phase: changes.state === 'rewritten' && as === 'branch' ? { kind: 'confirm-replace', why: 'rewritten', detail: changes.message } : { kind: 'review' },
  };
}

/** Why the call's arguments are not ready (the message), or null. */
export function gateProblem(state: GateState): string | null {
  return state.reviewed.uncommittedFiles > 0 ? commitMessageProblem(state.message) : null;
}

export function fetchArgs(state: GateState, force: boolean): FetchArgs {
  const args: FetchArgs = { agent: state.agent, as: state.as, reviewed: state.reviewed.fingerprint, head: state.reviewed.head };
  if (state.reviewed.uncommittedFiles > 0) args.message = state.message;
  if (force) args.force = true;
  return args;
}

/**
 * How a refused fetch is handled: the backend says 'conflict' for all of these, and its words
 * tell them apart (electron/core/workspace/gate.ts, host-branch.ts, commit-inside.ts).
 */
export function classifyFetchError(code: ErrorCode | null, message: string): 'changed' | 'rewritten' | 'diverged' | 'other' {
  if (code !== 'conflict') return 'other';
  if (/since (you|it was) reviewed|changed since|not the work you reviewed/i.test(message)) return 'changed';
  if (/rewrote its history|rewritten/i.test(message)) return 'rewritten';
  if (/not in the history|not an ancestor|with force|replace the branch/i.test(message)) return 'diverged';
  return 'other';
}

export type GateEvent =
  | { type: 'edit'; message: string }
  | { type: 'submit'; force: boolean }
  | { type: 'succeeded'; result: BroughtBack }
  | { type: 'failed'; code: ErrorCode | null; message: string }
  | { type: 'back' };

export function gateReducer(state: GateState, event: GateEvent): GateState {
  switch (event.type) {
    case 'edit':
      return state.phase.kind === 'review' || state.phase.kind === 'confirm-replace' ? { ...state, message: event.message } : state;
    case 'submit':
      if (state.phase.kind === 'running' || state.phase.kind === 'done') return state;
      if (gateProblem(state)) return state;
      return { ...state, phase: { kind: 'running', force: event.force } };
    case 'succeeded':
      return { ...state, phase: { kind: 'done', result: event.result } };
    case 'failed': {
      const kind = classifyFetchError(event.code, event.message);
      if (kind === 'changed') return { ...state, phase: { kind: 'changed', message: event.message } };
      // Replacing is offered for a branch only, and only when the user did not already force it.
      if ((kind === 'diverged' || kind === 'rewritten') && state.as === 'branch' && !(state.phase.kind === 'running' && state.phase.force)) {
        return { ...state, phase: { kind: 'confirm-replace', why: kind, detail: event.message } };
      }
      return { ...state, phase: { kind: 'failed', message: event.message } };
    }
    case 'back':
      return state.phase.kind === 'failed' ? { ...state, phase: state.reviewed.rewritten && state.as === 'branch' ? { kind: 'confirm-replace', why: 'rewritten', detail: null } : { kind: 'review' } } : state;
  }
}

/** The lines the dialog opens with: exactly what will happen. */
export function gateSteps(state: GateState): string[] {
  const branch = agentBranch(state.agent);
  const steps: string[] = [];
  if (state.reviewed.uncommittedFiles > 0) {
    steps.push(
      `${state.reviewed.uncommittedFiles.toLocaleString('en-US')} uncommitted file${state.reviewed.uncommittedFiles === 1 ? ' is' : 's are'} first committed inside the agent, on its branch ${branch}, with the message below.`,
    );
  }
  steps.push('The agent packs its commits into a git bundle; Enclave copies it out and checks it. Nothing of the agent’s (hooks, config, filters) runs on your computer.');
  if (state.as === 'branch') {
    steps.push(`Your repository gets branch ${branch} at exactly the commit you reviewed. Your checked-out branch and working tree are not touched.`);
  } else {
    steps.push('The same change is applied as a patch to your working tree (nothing is committed). Files you changed there that it touches make it stop, with nothing applied.');
  }
  steps.push('If the agent’s work changed since you looked at it, nothing is brought back and the list is refreshed.');
  return steps;
}
