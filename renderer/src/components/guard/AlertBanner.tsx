import { useState } from 'react';
import { headlineAlert } from '../../../../shared/guard-severity.js';
import type { Agent, GuardAlert, Snapshot } from '../../../../shared/types.js';
import { enclave } from '../../api.js';
import { dismissGuardAlert } from '../../guard-actions.js';
import { alertTitle } from '../../hooks/useTimelineExtras.js';
import { errorMessage } from '../../lib/errors.js';
import { restoreMessage } from '../../lib/snapshot-format.js';
import { formatExact } from '../../lib/time.js';
import { restoreSnapshot } from '../../snapshot-actions.js';
import { withAgents } from '../../stores/actions.js';
import { useSettings } from '../../stores/settings.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';

type Doing = 'freeze' | 'stop' | 'rollback' | 'dismiss';

interface AlertBannerProps {
  agent: Agent;
  /** Active alerts; the banner headlines the most severe (shared/guard-severity.ts) and counts the rest. */
  alerts: readonly GuardAlert[];
  /** Where "Roll back" goes: the newest snapshot that is not a safety one, or null. */
  rollback: Snapshot | null;
  /** Another action on the agent is running. */
  busy: boolean;
}

/** A guard alert on a card: what fired, what Enclave did, and one-click ways out. */
export function AlertBanner({ agent, alerts, rollback, busy }: AlertBannerProps) {
  const [doing, setDoing] = useState<Doing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const safetyExpiry = useSettings((state) => state.settings?.safetyExpiry ?? null);
  const head = headlineAlert(alerts);
  if (!head) return null;
  const current = head.alert;

  async function run(what: Doing, work: () => Promise<unknown>) {
    setDoing(what);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setDoing(null);
    }
  }

  const freeze = () =>
    run('freeze', () =>
      withAgents([agent.name], { action: 'freeze', label: 'Freezing' }, () =>
        enclave.invoke('agents.action', { name: agent.name, action: 'freeze' }),
      ),
    );
  const stop = () =>
    run('stop', () =>
      withAgents([agent.name], { action: 'stop', label: 'Stopping' }, () =>
        enclave.invoke('agents.action', { name: agent.name, action: 'stop', force: true }),
      ),
    );
  const dismiss = () => run('dismiss', () => Promise.all(alerts.map((a) => dismissGuardAlert(a.id))));

  const disabled = busy || doing !== null;
  const canFreeze = agent.status === 'Running';
  const canStop = agent.status === 'Running' || agent.status === 'Frozen';
  const severe = current.rule === 'fork-bomb' || current.rule === 'oom-kill' || current.action !== null;

  return (
    <div
      className={severe ? 'alert-banner alert-banner-severe' : 'alert-banner'}
      role="alert"
      data-testid="agent-alert"
      data-rule={current.rule}
      data-alert-id={current.id}
    >
      <div className="alert-banner-text">
        <strong className="alert-banner-title">
          <AlertIcon />
          {alertTitle(current)}
          {head.others > 0 && <span className="alert-banner-more"> +{head.others} more</span>}
        </strong>
        <span className="alert-banner-message" data-testid="agent-alert-message" title={formatExact(new Date(current.at).toISOString())}>
          {current.message}
        </span>
        {current.action && (
          <span className="alert-banner-action" data-testid="agent-alert-action">
            {current.action}
          </span>
        )}
      </div>
      <div className="alert-banner-buttons">
        <button
          type="button"
          className="button button-small"
          data-action="alert-freeze"
          disabled={disabled || !canFreeze}
          aria-busy={doing === 'freeze'}
          title={canFreeze ? `Freeze ${agent.name}: pause all its processes` : `${agent.name} is not running`}
          onClick={() => void freeze()}
        >
          {doing === 'freeze' && <Spinner />}
          Freeze
        </button>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          data-action="alert-stop"
          disabled={disabled || !canStop}
          aria-busy={doing === 'stop'}
          title={canStop ? `Stop ${agent.name} at once (forcefully)` : `${agent.name} is not running`}
          onClick={() => void stop()}
        >
          {doing === 'stop' && <Spinner />}
          Stop
        </button>
        <span title={rollback ? `Restore ${agent.name} to ${rollback.name}` : 'No snapshot to roll back to'}>
          <button
            type="button"
            className="button button-small"
            data-action="alert-rollback"
            disabled={disabled || !rollback}
            aria-busy={doing === 'rollback'}
            onClick={() => setConfirming(true)}
          >
            {doing === 'rollback' && <Spinner />}
            Roll back
          </button>
        </span>
        <button
          type="button"
          className="link-button alert-dismiss"
          data-action="alert-dismiss"
          disabled={doing !== null}
          title="Hide this alert; the guard raises it again if the condition comes back"
          onClick={() => void dismiss()}
        >
          Dismiss
        </button>
      </div>
      {error && <InlineError testId="agent-alert-error" message={error} onDismiss={() => setError(null)} />}
      {confirming && rollback && (
        <ConfirmDialog
          title={`Roll back to ${rollback.name}`}
          message={restoreMessage(agent.name, rollback.name, safetyExpiry, agent.status === 'Running')}
          confirmLabel="Restore"
          tone="primary"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run('rollback', () => restoreSnapshot(agent.name, rollback.name));
          }}
        />
      )}
    </div>
  );
}

function AlertIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="alert-icon">
      <path d="M8 1.5 15 14H1Z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      <path d="M8 6v4" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      <circle cx="8" cy="12" r="0.9" fill="currentColor" />
    </svg>
  );
}
