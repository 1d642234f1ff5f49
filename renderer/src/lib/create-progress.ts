/** The rows the wizard shows while an agent is made, in order, from the create's progress stages. */
import type { ProgressStage } from '../../../shared/types.js';
import type { WorkspaceMode } from '../../../shared/workspace.js';

export type CreateRow = 'creating' | 'starting' | 'workspace' | 'ready';

/** A copy is brought in after the start and before the tmux session: its own row. A mount is a device, made with the container. */
const PLAIN_ROWS: readonly CreateRow[] = ['creating', 'starting', 'ready'];
const COPY_ROWS: readonly CreateRow[] = ['creating', 'starting', 'workspace', 'ready'];

export function createRows(workspace: WorkspaceMode | null): readonly CreateRow[] {
  return workspace === 'copy' ? COPY_ROWS : PLAIN_ROWS;
}

export function rowOf(stage: ProgressStage | undefined): CreateRow | null {
  return stage === 'creating' || stage === 'starting' || stage === 'workspace' || stage === 'ready' ? stage : null;
}

export function rowLabels(command: string, workspace: WorkspaceMode | null): Record<CreateRow, string> {
  const inTmux = command ? `run \`${command}\` in tmux` : 'start its tmux session';
  const copying = workspace === 'copy';
  return {
    creating: 'Create the container',
    starting: copying ? 'Start it' : `Start it and ${inTmux}`,
    workspace: 'Copy the project into /workspace',
    ready: copying ? `${inTmux.charAt(0).toUpperCase()}${inTmux.slice(1)} and open its terminal` : 'Open its terminal',
  };
}
