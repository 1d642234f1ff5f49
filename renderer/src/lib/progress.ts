import type { AgentProgress, ProgressStage } from '../../../shared/types.js';

const STAGE_LABELS: Record<ProgressStage, string> = {
  creating: 'Creating',
  starting: 'Starting',
  workspace: 'Copying the project',
  ready: 'Ready',
  failed: 'Failed',
};

/** Whether the detail says more than the stage name itself. */
export function hasDetail(progress: AgentProgress): boolean {
  const detail = progress.detail.trim().toLowerCase();
  return detail !== '' && detail !== STAGE_LABELS[progress.stage].toLowerCase();
}

/**
 * A `ready` progress that says something beyond "Running": a note to keep on the card until
 * dismissed (e.g. that the agent runs but its tmux session did not start).
 */
export function isNote(progress: AgentProgress): boolean {
  const detail = progress.detail.trim();
  return progress.stage === 'ready' && (progress.agentOutput !== undefined || (detail !== '' && detail !== 'Running'));
}

/** "Creating: Unpacking image: 45%", or "Starting…" when Incus gave no detail. */
export function progressText(progress: AgentProgress): string {
  const label = STAGE_LABELS[progress.stage];
  return hasDetail(progress) ? `${label}: ${progress.detail}` : `${label}…`;
}

/** The percentage in Incus's detail text, when it has one. */
export function progressPercent(progress: AgentProgress): number | null {
  const match = /(\d+(?:\.\d+)?)\s*%/.exec(progress.detail);
  if (!match?.[1]) return null;
  return Math.min(100, Math.max(0, Number(match[1])));
}
