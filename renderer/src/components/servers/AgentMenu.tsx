import { useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import { useConnectedServerNames, useServer } from '../../stores/servers.js';
import { CopyToServerDialog } from './CopyToServerDialog.js';
import { MoveToMemberDialog } from './MoveToMemberDialog.js';
import { useMenu } from '../../hooks/useMenu.js';

interface AgentMenuProps {
  agent: Agent;
  disabled: boolean;
  disabledReason?: string | undefined;
}

/** The card's and the view's "More" menu: what goes across servers and cluster members. */
export function AgentMenu({ agent, disabled, disabledReason }: AgentMenuProps) {
  const { open, setOpen, root, firstItem } = useMenu();
  const [dialog, setDialog] = useState<'copy' | 'move' | null>(null);
  const others = useConnectedServerNames().filter((name) => name !== agent.server);
  const cluster = useServer(agent.server)?.cluster ?? null;

  const copyOff = others.length === 0 ? 'No other server is connected.' : null;
  const moveOff = agent.status !== 'Stopped' ? 'Stop the agent to move it to another member.' : null;

  function choose(which: 'copy' | 'move') {
    setOpen(false);
    setDialog(which);
  }

  return (
    <div className="agent-menu" ref={root}>
      <button
        type="button"
        className="icon-button agent-menu-toggle"
        data-action="agent-menu"
        aria-label={`More actions for ${agent.name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        title={disabledReason ?? 'Copy to another server, move to another member'}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <circle cx="3.5" cy="8" r="1.4" fill="currentColor" />
          <circle cx="8" cy="8" r="1.4" fill="currentColor" />
          <circle cx="12.5" cy="8" r="1.4" fill="currentColor" />
        </svg>
      </button>
      {open && (
        <div className="menu menu-right" role="menu" aria-label={`Actions for ${agent.name}`}>
          <button
            ref={firstItem}
            type="button"
            role="menuitem"
            className="menu-item"
            data-action="copy-to-server"
            disabled={copyOff !== null}
            title={copyOff ?? 'A copy of this agent on another server'}
            onClick={() => choose('copy')}
          >
            Copy to server…
          </button>
          {cluster && (
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              data-action="move-to-member"
              disabled={moveOff !== null}
              title={moveOff ?? 'Move this agent to another member of its cluster'}
              onClick={() => choose('move')}
            >
              Move to member…
            </button>
          )}
          {copyOff && <p className="menu-note">{copyOff}</p>}
          {cluster && moveOff && <p className="menu-note">{moveOff}</p>}
        </div>
      )}
      {dialog === 'copy' && <CopyToServerDialog agent={agent} servers={others} onClose={() => setDialog(null)} />}
      {dialog === 'move' && cluster && <MoveToMemberDialog agent={agent} members={cluster} onClose={() => setDialog(null)} />}
    </div>
  );
}
