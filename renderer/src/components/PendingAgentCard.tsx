import type { AgentProgress } from '../../../shared/types.js';
import { hasDetail } from '../lib/progress.js';
import { useProgress } from '../stores/progress.js';
import { InlineError } from './InlineError.js';
import { ProgressLine } from './ProgressLine.js';
import { displayName } from '../lib/server-display.js';

/** An agent Incus is still creating, before it shows up in the agent list. */
export function PendingAgentCard({ progress }: { progress: AgentProgress }) {
  const dismiss = useProgress((state) => state.dismiss);
  const failed = progress.stage === 'failed';
  return (
    <article
      className={failed ? 'card card-pending card-failed' : 'card card-pending'}
      data-testid="agent-pending"
      data-agent={progress.name}
      data-stage={progress.stage}
    >
      <header className="card-head">
        <h3 className="card-name" title={progress.name}>
          {displayName(progress.name)}
        </h3>
        <span className={failed ? 'status status-error' : 'status status-transitional'}>
          <span className="status-dot" aria-hidden="true" />
          {failed ? 'Failed' : 'Creating'}
        </span>
      </header>
      {(!failed || hasDetail(progress)) && <ProgressLine progress={progress} />}
      {failed && (
        <InlineError
          testId="agent-error"
          message={progress.error ?? 'Creating this agent failed.'}
          onDismiss={() => dismiss(progress.name)}
        />
      )}
    </article>
  );
}
