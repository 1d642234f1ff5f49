import { useEffect, useState } from 'react';
import type { ProgressStage } from '../../../../shared/types.js';
import { progressPercent } from '../../lib/progress.js';
import { useProgress } from '../../stores/progress.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

export interface Creation {
  name: string;
  command: string;
  /** The create call's failure, in the backend's words. */
  error: string | null;
}

type Row = 'creating' | 'starting' | 'ready';
const ORDER: readonly Row[] = ['creating', 'starting', 'ready'];

function rowOf(stage: ProgressStage | undefined): Row | null {
  return stage === 'creating' || stage === 'starting' || stage === 'ready' ? stage : null;
}

/** Creating → starting (and the command in tmux) → ready, from the agent's progress events. */
export function CreateProgress({ creation }: { creation: Creation }) {
  const progress = useProgress((s) => s.byAgent[creation.name]);
  // A plain `ready` leaves the store at once, so the furthest stage seen is kept here.
  const [furthest, setFurthest] = useState<Row>('creating');
  const seen = rowOf(progress?.stage);
  useEffect(() => {
    if (seen && ORDER.indexOf(seen) > ORDER.indexOf(furthest)) setFurthest(seen);
  }, [seen, furthest]);

  const labels: Record<Row, string> = {
    creating: 'Create the container',
    starting: creation.command ? `Start it and run \`${creation.command}\` in tmux` : 'Start it and its tmux session',
    ready: 'Open its terminal',
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
