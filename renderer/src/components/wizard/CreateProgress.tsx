import { useEffect, useState } from 'react';
import type { WorkspaceMode } from '../../../../shared/workspace.js';
import { type CreateRow, createRows, rowLabels, rowOf } from '../../lib/create-progress.js';
import { progressPercent } from '../../lib/progress.js';
import { useProgress } from '../../stores/progress.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { LOCAL_SERVER } from '../../../../shared/servers.js';
import { displayName, serverOfRef } from '../../lib/server-display.js';

export interface Creation {
  name: string;
  command: string;
  /** The create call's failure, in the backend's words. */
  error: string | null;
  /** The project it brings in: a copy adds the copying stage. */
  workspace?: WorkspaceMode | null;
}

/** Creating → starting → (copying the project) → the command in tmux and ready, from the agent's progress events. */
export function CreateProgress({ creation }: { creation: Creation }) {
  const progress = useProgress((s) => s.byAgent[creation.name]);
  const workspace = creation.workspace ?? null;
  const order = createRows(workspace);
  // A plain `ready` leaves the store at once, so the furthest stage seen is kept here.
  const [furthest, setFurthest] = useState<CreateRow>('creating');
  const seen = rowOf(progress?.stage);
  useEffect(() => {
    if (seen && order.indexOf(seen) > order.indexOf(furthest)) setFurthest(seen);
  }, [seen, furthest, order]);

  const labels = rowLabels(creation.command, workspace);
  const at = order.indexOf(furthest);
  const percent = progress ? progressPercent(progress) : null;

  return (
    <div className="wizard-progress" data-testid="wizard-progress" data-stage={creation.error ? 'failed' : furthest}>
      <p className="wizard-lede">
        Creating <strong>{displayName(creation.name)}</strong>
        {serverOfRef(creation.name) !== LOCAL_SERVER && ` on ${serverOfRef(creation.name)}`}…
      </p>
      <ol className="wizard-progress-rows">
        {order.map((row, i) => {
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
