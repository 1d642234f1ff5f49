import type { AgentProgress } from '../../../shared/types.js';
import { progressPercent, progressText } from '../lib/progress.js';

/** Stage and Incus's own detail text, with a bar when the detail carries a percentage. */
export function ProgressLine({ progress }: { progress: AgentProgress }) {
  const percent = progressPercent(progress);
  return (
    <div className="progress" role="status">
      <div className="progress-text" data-testid="agent-progress">
        {progressText(progress)}
      </div>
      {progress.stage !== 'failed' && (
        <div className="progress-track" aria-hidden="true">
          <div
            className={percent === null ? 'progress-bar progress-indeterminate' : 'progress-bar'}
            style={percent === null ? undefined : { width: `${percent}%` }}
          />
        </div>
      )}
    </div>
  );
}
