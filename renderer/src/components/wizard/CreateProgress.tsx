import { useEffect, useState } from 'react';
import type { ProgressStage } from '../../../../shared/types.js';
import type { WorkspaceMode } from '../../../../shared/workspace.js';
import { progressPercent } from '../../lib/progress.js';
import { useProgress } from '../../stores/progress.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

export interface Creation {
  name: string;
  command: string;
  /** The create call's failure, in the backend's words. */
  error: string | null;
  /** The project it brings in: a copy adds the copying stage. */
  workspace?: WorkspaceMode | null;
}

type Row = 'creating' | 'starting' | 'workspace' | 'ready';
const PLAIN_ORDER: readonly Row[] = ['creating', 'starting', 'ready'];
const COPY_ORDER: readonly Row[] = ['creating', 'starting', 'workspace', 'ready'];

function rowOf(stage: ProgressStage | undefined): Row | null {
  return stage === 'creating' || stage === 'starting' || stage === 'workspace' || stage === 'ready' ? stage : null;
}

/** Creating → starting → (copying the project) → the command in tmux and ready, from the agent's progress events. */
export function CreateProgress({ creation }: { creation: Creation }) {
  const progress = useProgress((s) => s.byAgent[creation.name]);
  const copying = creation.workspace === 'copy';
  const ORDER = copying ? COPY_ORDER : PLAIN_ORDER;
  // A plain `ready` leaves the store at once, so the furthest stage seen is kept here.
  const [furthest, setFurthest] = useState<Row>('creating');
  const seen = rowOf(progress?.stage);
  useEffect(() => {
    if (seen && ORDER.indexOf(seen) > ORDER.indexOf(furthest)) setFurthest(seen);
  }, [seen, furthest, ORDER]);

  const inTmux = creation.command ? `run \`${creation.command}\` in tmux` : 'start its tmux session';
  const labels: Record<Row, string> = {
    creating: 'Create the container',
    starting: copying ? 'Start it' : `Start it and ${inTmux}`,
    workspace: 'Copy the project into /workspace',
    ready: copying ? `${inTmux[0]?.toUpperCase() ?? ''}${inTmux.slice(1)} and open its terminal` : 'Open its terminal',
  };
  const at = ORDER.indexOf(furthest);
  const percent = progress ? progressPercent(progress) : null;

  return (
    <div className="wizard-progress" data-testid="wizard-progress" data-stage={creation.error ? 'failed' : furthest}>
      <p className="wizard-lede">
        Creating <strong>{creation.name}</strong>…
      </p>
      <ol className="wizard-progress-rows">
        {ORDER.map((row, i) => {
          const state = creation.error && i === at ? 'failed' : i < at ? 'done' : i === at ? 'current' : 'todo';
          return (
            <li key={row} className={`wizard-progress-row is-${state}`} data-testid={`wizard-progress-${row}`} data-state={state}>
              <span className="wizard-progress-mark" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'current' ? <Spinner /> : state === 'failed' ? '✕' : ''}
              </span>
              <span>
                {labels[row]}
                {state === 'current' && progress?.detail && progress.detail !== 'Running' && (
                  <span className="wizard-progress-detail">
                    {' '}
                    — {progress.detail}
                    {percent !== null && <progress max={100} value={percent} />}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      {creation.error && <InlineError testId="new-agent-error" message={creation.error} />}
    </div>
  );
}
