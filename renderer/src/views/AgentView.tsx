import { type KeyboardEvent, useEffect, useId, useMemo, useRef } from 'react';
import type { Agent } from '../../../shared/types.js';
import { DismissButton } from '../components/DismissButton.js';
import { InlineError } from '../components/InlineError.js';
import { LimitsEditor } from '../components/limits/LimitsEditor.js';
import { NetworkEditor } from '../components/network/NetworkEditor.js';
import { ActivityLog } from '../components/guard/ActivityLog.js';
import { GuardEditor } from '../components/guard/GuardEditor.js';
import { StaleNote } from '../components/StaleNote.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { RunStatusLine } from '../components/run-status/RunStatusLine.js';
import { ClonedFrom } from '../components/snapshots/ClonedFrom.js';
import { FullTimeline } from '../components/snapshots/FullTimeline.js';
import { OperationStatus } from '../components/snapshots/OperationStatus.js';
import { ScheduleEditor } from '../components/snapshots/ScheduleEditor.js';
import { SnapshotList } from '../components/snapshots/SnapshotList.js';
import { TakeSnapshotForm } from '../components/snapshots/TakeSnapshotForm.js';
import { AgentCharts } from '../components/telemetry/AgentCharts.js';
import { ChangesPanel } from '../components/workspace/ChangesPanel.js';
import { useAgentBusy } from '../hooks/useAgentBusy.js';
import { useAgentSnapshots } from '../hooks/useAgentSnapshots.js';
import { useTimelineExtras } from '../hooks/useTimelineExtras.js';
import { useAgentAlerts } from '../hooks/useAgentAlerts.js';
import { useAgentView } from '../stores/agent-view.js';
import { useAgents } from '../stores/agents.js';
import { useAgentStale } from '../hooks/useAgentStale.js';
import { displayName } from '../lib/server-display.js';
import { AgentMenu } from '../components/servers/AgentMenu.js';
import { ServerBadge } from '../components/servers/ServerBadge.js';
import { ServerStaleNote } from '../components/servers/ServerStaleNote.js';
import { useDiffPrefs } from '../stores/diff-prefs.js';
import { loadSnapshots } from '../snapshot-actions.js';
import { focusTelemetry } from '../telemetry-actions.js';

/** The open agent's full timeline, usage and limits, beside the grid; closes when the agent is gone. */
export function AgentView() {
  const open = useAgentView((state) => state.open);
  const agent = useAgents((state) => (open ? state.agents.find((a) => a.name === open) : undefined));
  const loaded = useAgents((state) => state.loaded);
  const close = useAgentView((state) => state.closeView);

  useEffect(() => {
    if (open && loaded && !agent) close();
  }, [open, loaded, agent, close]);

  if (!agent) return null;
  return <AgentViewPanel key={agent.name} agent={agent} />;
}

function AgentViewPanel({ agent }: { agent: Agent }) {
  const panel = useRef<HTMLElement>(null);
  const titleId = useId();
  const entry = useAgentSnapshots(agent.name);
  const selected = useAgentView((state) => state.selected);
  const select = useAgentView((state) => state.select);
  const openView = useAgentView((state) => state.openView);
  const openClone = useAgentView((state) => state.openClone);
  const closeView = useAgentView((state) => state.closeView);
  const extra = useTimelineExtras(agent.name);
  const alerts = useAgentAlerts(agent.name);
  const alertTimes = useMemo(() => alerts.map((a) => ({ at: a.at, active: a.active })), [alerts]);
  const { busy } = useAgentBusy(agent.name);
  // While Incus is away the view stays (with what was typed in it), marked as the last known state.
  const { stale, needs, localSince: outageSince, remote: staleServer } = useAgentStale(agent);
  // Diffs read better wider: the Changes panel can widen the view.
  const wide = useDiffPrefs((state) => state.wide) && agent.workspace !== null;

  useEffect(() => {
    panel.current?.focus({ preventScroll: true });
  }, []);

  // The agent in view is sampled every second while it is open.
  useEffect(() => {
    focusTelemetry(agent.name);
    return () => focusTelemetry(null);
  }, [agent.name]);

  /** Closes, handing the focus back to the agent's card (it had it before, most likely). */
  function close() {
    closeView();
    document
      .querySelector<HTMLElement>(`[data-testid="agent-card"][data-agent="${CSS.escape(agent.name)}"] [data-action="open-view"]`)
      ?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    // Escape in a dialog opened from here belongs to the dialog (it is not inside this panel).
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (!(event.target instanceof Node) || !panel.current?.contains(event.target)) return;
    event.preventDefault();
    close();
  }

  const snapshots = entry?.snapshots ?? [];
  const count = snapshots.length;

  return (
    <aside
      ref={panel}
      className={['agent-view', stale && 'is-stale', wide && 'is-wide'].filter(Boolean).join(' ')}
      data-testid="agent-view"
      data-agent={agent.name}
      data-stale={stale ? 'true' : undefined}
      data-server={agent.server}
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <header className="view-head">
        <div className="view-title">
          <h2 id={titleId} title={agent.name}>
            {displayName(agent.name)}
          </h2>
          <ServerBadge server={agent.server} location={agent.location} />
          <StatusBadge status={agent.status} />
        </div>
        <div className="view-tools">
          <button
            type="button"
            className="button button-small"
            data-action="clone-live"
            disabled={busy || stale}
            title={needs ?? `A new agent from ${agent.name} as it is now`}
            onClick={() => openClone({ source: agent.name, snapshot: null })}
          >
            Clone live agent
          </button>
          <AgentMenu agent={agent} disabled={busy || stale} disabledReason={needs} />
          <DismissButton label="Close the timeline" onClick={close} />
        </div>
      </header>
      <div className="view-body">
        {outageSince && <StaleNote since={outageSince} />}
        {staleServer && <ServerStaleNote server={staleServer} />}
        {agent.status === 'Running' && agent.managed && !!agent.meta.template && <RunStatusLine agent={agent} disabled={stale} />}
        {agent.clonedFrom && <ClonedFrom value={agent.clonedFrom} />}
        <OperationStatus agent={agent.name} />

        <section className="view-section" aria-labelledby={`${titleId}-timeline`}>
          <h3 id={`${titleId}-timeline`} className="section-title">
            Timeline
          </h3>
          <FullTimeline
            agent={agent}
            snapshots={snapshots}
            selected={selected}
            extra={extra}
            onSelectSnapshot={(name) => select(name)}
            onOpenAgent={(name) => openView(name)}
          />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-changes`}>
          <h3 id={`${titleId}-changes`} className="section-title">
            Changes
          </h3>
          <ChangesPanel agent={agent} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-usage`}>
          <h3 id={`${titleId}-usage`} className="section-title">
            Usage
          </h3>
          {stale ? (
            // Nothing is sampled while its server is away: the charts stay, visibly paused.
            <div className="view-charts-paused" data-testid="view-charts-paused">
              <p className="view-charts-paused-note">Usage paused while Incus is away: the charts end at its last sample.</p>
              <AgentCharts agent={agent.name} limits={agent.limits} alerts={alertTimes} />
            </div>
          ) : (
            <AgentCharts agent={agent.name} limits={agent.limits} alerts={alertTimes} />
          )}
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-limits`}>
          <h3 id={`${titleId}-limits`} className="section-title">
            Limits
          </h3>
          <LimitsEditor agent={agent} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-network`}>
          <h3 id={`${titleId}-network`} className="section-title">
            Network
          </h3>
          <NetworkEditor agent={agent} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-guard`}>
          <h3 id={`${titleId}-guard`} className="section-title">
            Guard
          </h3>
          <GuardEditor agent={agent.name} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-activity`}>
          <h3 id={`${titleId}-activity`} className="section-title">
            Activity
          </h3>
          <ActivityLog agent={agent.name} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-take`}>
          <h3 id={`${titleId}-take`} className="section-title">
            Take a snapshot
          </h3>
          <TakeSnapshotForm agent={agent.name} />
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-list`}>
          <h3 id={`${titleId}-list`} className="section-title">
            Snapshots <span className="section-count">{count}</span>
          </h3>
          {entry?.state === 'failed' ? (
            <div className="list-failed">
              <InlineError testId="snapshots-error" message={entry.error ?? 'Could not list snapshots.'} />
              <button type="button" className="button button-small" onClick={() => void loadSnapshots(agent.name)}>
                Try again
              </button>
            </div>
          ) : !entry || entry.state === 'loading' ? (
            <p className="list-empty">Loading snapshots…</p>
          ) : (
            <SnapshotList agent={agent} snapshots={snapshots} selected={selected} onSelect={select} />
          )}
        </section>

        <section className="view-section" aria-labelledby={`${titleId}-schedule`}>
          <h3 id={`${titleId}-schedule`} className="section-title">
            Automatic snapshots
          </h3>
          <ScheduleEditor agent={agent} />
        </section>
      </div>
    </aside>
  );
}
