import type { KeyboardEvent, MouseEvent } from 'react';
import type { TerminalInfo } from '../../../../shared/types.js';
import { terminalDetail } from '../../terminal/layout.js';
import { CloseIcon, ShellIcon, TerminalIcon, WarningIcon } from './icons.js';

interface TerminalTabsProps {
  terminals: readonly TerminalInfo[];
  active: string | null;
  visible: readonly string[];
  activity: Readonly<Record<string, true>>;
  onActivate(id: string): void;
  onClose(info: TerminalInfo): void;
}

const STATE_LABEL: Record<TerminalInfo['state'], string> = {
  connecting: 'connecting',
  open: 'connected',
  reconnecting: 'reconnecting',
  exited: 'ended',
};

export function TerminalTabs({ terminals, active, visible, activity, onActivate, onClose }: TerminalTabsProps) {
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>, index: number) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const info = terminals[index];
      if (info) onActivate(info.id);
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      const next = terminals[(index + (event.key === 'ArrowRight' ? 1 : -1) + terminals.length) % terminals.length];
      const tabs = event.currentTarget.parentElement?.querySelectorAll<HTMLElement>('[role="tab"]');
      tabs?.[terminals.indexOf(next as TerminalInfo)]?.focus();
    } else if (event.key === 'Delete') {
      const info = terminals[index];
      if (info) onClose(info);
    }
  }

  return (
    <div className="dock-tabs" role="tablist" aria-label="Terminals">
      {terminals.map((info, index) => {
        const selected = info.id === active;
        const shown = visible.includes(info.id);
        const closeHint = info.kind === 'agent' && info.persistent ? 'Close (the agent keeps running)' : 'Close (ends this session)';
        const onAux = (event: MouseEvent) => {
          if (event.button === 1) {
            event.preventDefault();
            onClose(info);
          }
        };
        return (
          <div
            key={info.id}
            role="tab"
            tabIndex={selected ? 0 : -1}
            aria-selected={selected}
            className={`term-tab${selected ? ' is-active' : ''}${shown ? ' is-shown' : ''}`}
            data-testid="terminal-tab"
            data-terminal-id={info.id}
            data-agent={info.agent}
            data-kind={info.kind}
            data-state={info.state}
            title={`${info.title} — ${STATE_LABEL[info.state]}${info.notice ? `\n${info.notice}` : ''}`}
            onClick={() => onActivate(info.id)}
            onMouseDown={(event) => event.button === 1 && event.preventDefault()}
            onAuxClick={onAux}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            <span className={`term-dot term-dot-${info.state}`} aria-label={STATE_LABEL[info.state]} />
            <span className="term-tab-icon">{info.kind === 'agent' ? <TerminalIcon /> : <ShellIcon />}</span>
            <span className="term-tab-label">
              <span className="term-tab-agent">{info.agent}</span>
              <span className="term-tab-detail">{terminalDetail(info)}</span>
            </span>
            {info.notice && (
              <span className="term-tab-warn" aria-label="Not persistent">
                <WarningIcon />
              </span>
            )}
            {activity[info.id] && !shown && <span className="term-tab-activity" aria-label="New output" />}
            <button
              type="button"
              className="term-tab-close"
              data-testid="terminal-close"
              aria-label={`Close ${info.title}`}
              title={closeHint}
              tabIndex={-1}
              onClick={(event) => {
                event.stopPropagation();
                onClose(info);
              }}
            >
              <CloseIcon />
            </button>
          </div>
        );
      })}
    </div>
  );
}
