import { useMemo, useState } from 'react';
import type { Agent, AgentProgress } from '../../../shared/types.js';
import { enclave } from '../api.js';
import { ACTION_LABELS, actionsFor, type CardAction } from '../lib/agent-status.js';
import { errorMessage } from '../lib/errors.js';
import { hasDetail, isNote } from '../lib/progress.js';
import { useAgentBusy } from '../hooks/useAgentBusy.js';
import { useAgentSnapshots } from '../hooks/useAgentSnapshots.js';
import { useTemplateName } from '../hooks/useTemplateName.js';
import { useActiveAlerts, useAgentAlerts } from '../hooks/useAgentAlerts.js';
import { rollbackSnapshot } from '../lib/rollback.js';
import { AlertBanner } from './guard/AlertBanner.js';
import { IsolationWarning } from './isolation/IsolationWarning.js';
import { NetworkBadge } from './network/NetworkBadge.js';
import { withAgents } from '../stores/actions.js';
import { useAgentView } from '../stores/agent-view.js';
import { useProgress } from '../stores/progress.js';
import { useAgentStale } from '../hooks/useAgentStale.js';
import { displayName } from '../lib/server-display.js';
import { AgentMenu } from './servers/AgentMenu.js';
import { ServerBadge } from './servers/ServerBadge.js';
import { ServerStaleNote } from './servers/ServerStaleNote.js';
import { takeSnapshot } from '../snapshot-actions.js';
import { useTerminals } from '../stores/terminals.js';
import { openAgentTerminal, openShell } from '../terminal/manager.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { InlineError } from './InlineError.js';
import { ProgressLine } from './ProgressLine.js';
import { AgentNote } from './AgentNote.js';
import { RelativeTime } from './RelativeTime.js';
import { Spinner } from './Spinner.js';
import { StaleNote } from './StaleNote.js';
import { StatusBadge } from './StatusBadge.js';
import { CardTimeline } from './snapshots/CardTimeline.js';
import { CardGraphs } from './telemetry/CardGraphs.js';
import { ClonedFrom } from './snapshots/ClonedFrom.js';
import { OperationStatus } from './snapshots/OperationStatus.js';
import { SnapshotButton } from './snapshots/SnapshotButton.js';
import { TakeSnapshotDialog } from './snapshots/TakeSnapshotDialog.js';
import { ShellIcon, TerminalIcon } from './terminal/icons.js';
import { Uptime } from './Uptime.js';
import { RunStatusLine } from './run-status/RunStatusLine.js';
import { cardRunState } from '../lib/grid-order.js';
import { useRunStatus } from '../stores/run-status.js';

const DOING: Record<CardAction, string> = {
  start: 'Starting',
  stop: 'Stopping',
  restart: 'Restarting',
  freeze: 'Freezing',
  unfreeze: 'Unfreezing',
  delete: 'Deleting',
};

interface AgentCardProps {
  agent: Agent;
  progress: AgentProgress | undefined;
}

export function AgentCard({ agent, progress }: AgentCardProps) {
  const [running, setRunning] = useState<CardAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const dismissProgress = useProgress((state) => state.dismiss);
  const [opening, setOpening] = useState<'terminal' | 'shell' | null>(null);
  const terminalCount = useTerminals((state) => state.terminals.filter((t) => t.agent === agent.name).length);
  const template = useTemplateName(agent.meta.template);

  const snapshots = useAgentSnapshots(agent.name);
  const { busy, action: inFlight } = useAgentBusy(agent.name);
  const openView = useAgentView((state) => state.openView);
  const openClone = useAgentView((state) => state.openClone);
  const viewing = useAgentView((state) => state.open === agent.name);
  const [naming, setNaming] = useState(false);
  const [snapshotError, setSnapshotError] = useState<string | null>(null);
  const alerts = useActiveAlerts(agent.name);
  const allAlerts = useAgentAlerts(agent.name);
  const alertMarks = useMemo(() => allAlerts.map((a) => ({ at: a.at, active: a.active })), [allAlerts]);
  const alerting = alerts.length > 0;
  const runState = cardRunState(agent, useRunStatus((state) => state.byAgent[agent.name]));
  const severe = alerting && alerts.some((a) => a.rule === 'fork-bomb' || a.rule === 'oom-kill' || a.action !== null);

  // While its server is away the card is its last known state: greyed, its Incus actions
  // disabled. Each server's own state: one server down never greys another's cards.
  const { stale, needs: needsIncus, localSince: outageSince, remote: staleServer } = useAgentStale(agent);
  const shownName = displayName(agent.name);

  const beingCreated = progress !== undefined && progress.stage !== 'failed';
  const disabled = running !== null || beingCreated || busy || stale;

  async function perform(action: CardAction) {
    setRunning(action);
    setError(null);
    try {
      // Held like any other action on the agent, so snapshot buttons wait for it too.
      await withAgents([agent.name], { action, label: DOING[action] }, () =>
        action === 'delete'
          ? enclave.invoke('agents.delete', { name: agent.name })
          : enclave.invoke('agents.action', { name: agent.name, action }),
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setRunning(null);
    }
  }

  async function openTerminal(kind: 'terminal' | 'shell') {
    setOpening(kind);
    setError(null);
    try {
      if (kind === 'terminal') await openAgentTerminal(agent.name);
      else await openShell(agent.name);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setOpening(null);
    }
  }

  const canOpenTerminal = agent.status === 'Running' && !beingCreated && !stale;
  const terminalTitle = canOpenTerminal ? undefined : (needsIncus ?? 'Start the agent to open a terminal');

  async function snapshotNow() {
    setSnapshotError(null);
    try {
      await takeSnapshot(agent.name, { toast: true });
    } catch (failure) {
      setSnapshotError(errorMessage(failure));
    }
  }

  function onAction(action: CardAction) {
    if (action === 'delete') setConfirmingDelete(true);
    else void perform(action);
  }

  return (
    <article
      className={['card', viewing && 'is-viewing', runState === 'waiting' && 'is-waiting', alerting && (severe ? 'is-alert is-alert-severe' : 'is-alert'), stale && 'is-stale']
        .filter(Boolean)
        .join(' ')}
      data-testid="agent-card"
      data-agent={agent.name}
      data-status={agent.status}
      data-run={runState}
      data-alert={alerting ? 'true' : undefined}
      data-isolation={agent.isolation.length > 0 ? 'broken' : undefined}
      data-stale={stale ? 'true' : undefined}
      data-server={agent.server}
    >
      <header className="card-head">
        <h3 className="card-name" title={agent.name}>
          <button
            type="button"
            className="card-name-button"
            data-action="open-view"
            title={`Open ${agent.name}'s snapshots and timeline`}
            onClick={() => openView(agent.name)}
          >
            {shownName}
          </button>
        </h3>
        <ServerBadge server={agent.server} location={agent.location} />
        {!agent.managed && (
          <span className="badge" title="Created outside Enclave">
            external
          </span>
        )}
        {agent.meta.role === 'image-builder' && (
          <span className="badge" data-testid="builder-badge" title="Enclave builds an agent image in it (Images); it goes once the build is published or dismissed">
            image builder
          </span>
        )}
        <StatusBadge status={agent.status} />
        <AgentMenu agent={agent} disabled={busy || beingCreated || stale} disabledReason={needsIncus} />
      </header>
      {agent.status === 'Running' && agent.managed && !!agent.meta.template && <RunStatusLine agent={agent} disabled={stale || beingCreated} />}
      {outageSince !== null && <StaleNote since={outageSince} />}
      {staleServer && <ServerStaleNote server={staleServer} />}
      <IsolationWarning agent={agent} busy={busy || beingCreated || stale} />
      {alerting && (
        <AlertBanner
          agent={agent}
          alerts={alerts}
          rollback={rollbackSnapshot(snapshots?.snapshots ?? [])}
          busy={busy || beingCreated || stale}
        />
      )}
      {agent.description && <p className="card-description">{agent.description}</p>}
      {agent.clonedFrom && <ClonedFrom value={agent.clonedFrom} />}
      <dl className="card-facts">
        {template !== null && (
          <div className="fact-wide">
            <dt>Template</dt>
            <dd data-testid="card-template" data-template={agent.meta.template} title={`Made from the template ${template}`}>
              {template}
            </dd>
          </div>
        )}
        <div className="fact-wide">
          <dt>Image</dt>
          <dd title={agent.image}>{agent.image || '—'}</dd>
        </div>
        <div>
          <dt>Network</dt>
          <dd className="fact-badge">
            <NetworkBadge network={agent.network} />
          </dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd>{agent.status === 'Running' && agent.lastStartedAt ? <Uptime since={agent.lastStartedAt} /> : '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <RelativeTime iso={agent.createdAt} />
          </dd>
        </div>
      </dl>
      {stale ? (
        // Kept as they were, visibly paused: nothing is sampled while its server is away.
        <div className="card-graphs-paused" data-testid="card-graphs-paused">
          <CardGraphs agent={agent.name} status={agent.status} limits={agent.limits} alerts={alertMarks} />
          <p className="card-graphs-paused-note">Usage paused while {staleServer ? staleServer.name : 'Incus'} is away</p>
        </div>
      ) : (
        <CardGraphs agent={agent.name} status={agent.status} limits={agent.limits} alerts={alertMarks} />
      )}
      <section className="card-snapshots" aria-label={`Snapshots of ${shownName}`}>
        <div className="card-snapshots-head">
          <span className="card-snapshots-title">
            Snapshots
            {snapshots?.state === 'ready' && <span className="card-snapshots-count">{snapshots.snapshots.length}</span>}
          </span>
          <button
            type="button"
            className="link-button card-timeline-link"
            data-action="timeline"
            aria-pressed={viewing}
            title={`Open ${agent.name}'s full timeline`}
            onClick={() => (viewing ? useAgentView.getState().closeView() : openView(agent.name))}
          >
            {viewing ? 'Close timeline' : 'Timeline ›'}
          </button>
        </div>
        <CardTimeline agent={agent} entry={snapshots} alerts={allAlerts} onOpen={(snapshot) => openView(agent.name, snapshot)} />
        <div className="card-snapshot-tools">
          <SnapshotButton
            disabled={busy || beingCreated || stale}
            disabledReason={needsIncus}
            taking={inFlight?.action === 'snapshot'}
            onSnapshot={() => void snapshotNow()}
            onSnapshotNamed={() => setNaming(true)}
            onOpenTimeline={() => openView(agent.name)}
          />
          <button
            type="button"
            className="button button-small"
            data-action="clone"
            disabled={busy || beingCreated || stale}
            title={needsIncus ?? `A new agent from ${agent.name} as it is now`}
            onClick={() => openClone({ source: agent.name, snapshot: null })}
          >
            <CloneIcon />
            Clone
          </button>
        </div>
        <OperationStatus agent={agent.name} />
        {snapshotError && <InlineError testId="snapshot-error" message={snapshotError} onDismiss={() => setSnapshotError(null)} />}
      </section>
      {progress && isNote(progress) && <AgentNote progress={progress} onDismiss={() => dismissProgress(agent.name)} />}
      {progress && !isNote(progress) && (progress.stage !== 'failed' || hasDetail(progress)) && <ProgressLine progress={progress} />}
      {progress?.stage === 'failed' && (
        <InlineError
          testId="agent-error"
          message={progress.error ?? 'Creating this agent failed.'}
          onDismiss={() => dismissProgress(agent.name)}
        />
      )}
      {error && <InlineError testId="agent-error" message={error} onDismiss={() => setError(null)} />}
      <div className="card-terminals">
        <button
          type="button"
          className="button button-small button-terminal"
          data-action="terminal"
          disabled={!canOpenTerminal || opening !== null}
          aria-busy={opening === 'terminal'}
          title={terminalTitle ?? "Open the agent's terminal (its tmux session)"}
          onClick={() => void openTerminal('terminal')}
        >
          {opening === 'terminal' ? <Spinner /> : <TerminalIcon />}
          Terminal
        </button>
        <button
          type="button"
          className="button button-small"
          data-action="shell"
          disabled={!canOpenTerminal || opening !== null}
          aria-busy={opening === 'shell'}
          title={terminalTitle ?? 'Open another shell in this agent'}
          onClick={() => void openTerminal('shell')}
        >
          {opening === 'shell' ? <Spinner /> : <ShellIcon />}
          Shell
        </button>
        {terminalCount > 0 && (
          <span className="card-terminal-count" title="Open terminals of this agent">
            {terminalCount} open
          </span>
        )}
      </div>
      <footer className="card-actions">
        {actionsFor(agent.status).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'delete' ? 'button button-small button-danger-quiet' : 'button button-small'}
            data-action={action}
            disabled={disabled}
            title={needsIncus}
            aria-busy={running === action}
            onClick={() => onAction(action)}
          >
            {running === action && <Spinner />}
            {ACTION_LABELS[action]}
          </button>
        ))}
      </footer>
      {naming && <TakeSnapshotDialog agent={agent.name} onClose={() => setNaming(false)} />}
      {confirmingDelete && (
        <ConfirmDialog
          title="Delete agent"
          message={`Delete agent ${shownName}${agent.name === shownName ? '' : ` on ${agent.server}`}? Its container and snapshots are removed; this cannot be undone.`}
          confirmLabel="Delete"
          onCancel={() => setConfirmingDelete(false)}
          onConfirm={() => {
            setConfirmingDelete(false);
            void perform('delete');
          }}
        />
      )}
    </article>
  );
}

function CloneIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.6" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M10.5 3.5v-.5A1.5 1.5 0 0 0 9 1.5H4A1.5 1.5 0 0 0 2.5 3v5A1.5 1.5 0 0 0 4 9.5h.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}
