import { useState } from 'react';
import type { Agent, AgentProgress } from '../../../shared/types.js';
import { enclave } from '../api.js';
import { ACTION_LABELS, actionsFor, type CardAction } from '../lib/agent-status.js';
import { errorMessage } from '../lib/errors.js';
import { hasDetail } from '../lib/progress.js';
import { useProgress } from '../stores/progress.js';
import { useTerminals } from '../stores/terminals.js';
import { openAgentTerminal, openShell } from '../terminal/manager.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { InlineError } from './InlineError.js';
import { ProgressLine } from './ProgressLine.js';
import { RelativeTime } from './RelativeTime.js';
import { Spinner } from './Spinner.js';
import { StatusBadge } from './StatusBadge.js';
import { ShellIcon, TerminalIcon } from './terminal/icons.js';
import { Uptime } from './Uptime.js';

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

  const beingCreated = progress !== undefined && progress.stage !== 'failed';
  const disabled = running !== null || beingCreated;

  async function perform(action: CardAction) {
    setRunning(action);
    setError(null);
    try {
      if (action === 'delete') await enclave.invoke('agents.delete', { name: agent.name });
      else await enclave.invoke('agents.action', { name: agent.name, action });
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

  const canOpenTerminal = agent.status === 'Running' && !beingCreated;
  const terminalTitle = canOpenTerminal ? undefined : 'Start the agent to open a terminal';

  function onAction(action: CardAction) {
    if (action === 'delete') setConfirmingDelete(true);
    else void perform(action);
  }

  return (
    <article className="card" data-testid="agent-card" data-agent={agent.name} data-status={agent.status}>
      <header className="card-head">
        <h3 className="card-name" title={agent.name}>
          {agent.name}
        </h3>
        {!agent.managed && (
          <span className="badge" title="Created outside Enclave">
            external
          </span>
        )}
        <StatusBadge status={agent.status} />
      </header>
      {agent.description && <p className="card-description">{agent.description}</p>}
      <dl className="card-facts">
        <div className="fact-wide">
          <dt>Image</dt>
          <dd title={agent.image}>{agent.image || '—'}</dd>
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
      {progress && (progress.stage !== 'failed' || hasDetail(progress)) && <ProgressLine progress={progress} />}
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
            aria-busy={running === action}
            onClick={() => onAction(action)}
          >
            {running === action && <Spinner />}
            {ACTION_LABELS[action]}
          </button>
        ))}
      </footer>
      {confirmingDelete && (
        <ConfirmDialog
          title="Delete agent"
          message={`Delete agent ${agent.name}? Its container and snapshots are removed; this cannot be undone.`}
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
