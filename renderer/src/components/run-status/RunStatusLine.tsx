import { useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import { useNow } from '../../hooks/useNow.js';
import { errorMessage } from '../../lib/errors.js';
import { runStateLabel, runStateTitle } from '../../lib/run-format.js';
import { notifyEnabled } from '../../lib/run-notify.js';
import { restartCommand, setNotify } from '../../run-status-actions.js';
import { useRunStatus } from '../../stores/run-status.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

/**
 * A running agent's run state (working, waiting for input, idle, exited), the command in its
 * pane as the agent reports it (quoted: it comes from inside), Restart command once it
 * exited, and the agent's "notify me when it waits" toggle.
 */
export function RunStatusLine({ agent, disabled }: { agent: Agent; disabled: boolean }) {
  const status = useRunStatus((state) => state.byAgent[agent.name]);
  const now = useNow();
  const [restarting, setRestarting] = useState(false);
  const [toggling, setToggling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notify = notifyEnabled(agent.meta);
  const state = status?.state ?? 'unknown';

  async function restart() {
    setRestarting(true);
    setError(null);
    try {
      await restartCommand(agent.name);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setRestarting(false);
    }
  }

  async function toggleNotify() {
    setToggling(true);
    setError(null);
    try {
      await setNotify(agent.name, !notify);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setToggling(false);
    }
  }

  return (
    <div className="run-line" data-testid="run-line">
      <div className="run-line-main">
        <span className={`run-badge run-${state}`} data-testid="run-status" data-state={state} title={runStateTitle(status, now)}>
          <span className="run-dot" aria-hidden="true" />
          {runStateLabel(status)}
        </span>
        {/* A dead pane has no command in front: the chip would name only the shell it ran in. */}
        {status?.command && state !== 'exited' && (
          <code className="quoted run-command" data-testid="run-command" title="The command in front in the agent's pane, as the agent reports it">
            {status.command}
          </code>
        )}
        <span className="run-line-tools">
          {state === 'exited' && (
            <button
              type="button"
              className="button button-small"
              data-action="restart-command"
              disabled={disabled || restarting}
              aria-busy={restarting}
              title="Run the agent's command again in its tmux session"
              onClick={() => void restart()}
            >
              {restarting && <Spinner />}
              Restart command
            </button>
          )}
          <button
            type="button"
            className="icon-button run-notify"
            data-action="toggle-notify"
            data-on={notify ? 'true' : 'false'}
            aria-pressed={notify}
            aria-label={notify ? `Notifications on: ${agent.name} tells you when it waits for input` : `Notifications off for ${agent.name}`}
            title={notify ? 'Notify me when it waits for input (on)' : 'Notify me when it waits for input (off)'}
            disabled={disabled || toggling}
            onClick={() => void toggleNotify()}
          >
            {toggling ? <Spinner /> : <BellIcon off={!notify} />}
          </button>
        </span>
      </div>
      {error && <InlineError testId="run-error" message={error} onDismiss={() => setError(null)} />}
    </div>
  );
}

function BellIcon({ off }: { off: boolean }) {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M4 10.5V7a4 4 0 0 1 8 0v3.5l1.25 1.5H2.75z" />
      <path d="M6.5 13.5a1.6 1.6 0 0 0 3 0" />
      {off && <path d="M2 2l12 12" />}
    </svg>
  );
}
