import { type JSX, type PointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { TerminalInfo } from '../../../shared/types.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { InlineError } from '../components/InlineError.js';
import {
  ChevronIcon,
  LayoutGridIcon,
  LayoutSingleIcon,
  LayoutSplitIcon,
  MaximizeIcon,
} from '../components/terminal/icons.js';
import { TerminalSettings } from '../components/terminal/TerminalSettings.js';
import { TerminalTabs } from '../components/terminal/TerminalTabs.js';
import { TerminalView } from '../components/terminal/TerminalView.js';
import { errorMessage } from '../lib/errors.js';
import { useTerminalUi } from '../stores/terminal-ui.js';
import { useTerminals } from '../stores/terminals.js';
import { type TerminalLayout, gridColumns, lastPaneSpan, resolveActive, terminalLabel, visibleTerminals } from '../terminal/layout.js';
import { closeTerminal, focusTerminal } from '../terminal/manager.js';
import { MIN_DOCK_HEIGHT } from '../terminal/prefs.js';

const LAYOUT_BUTTONS: { layout: TerminalLayout; label: string; Icon: () => JSX.Element }[] = [
  { layout: 'single', label: 'One terminal', Icon: LayoutSingleIcon },
  { layout: 'split', label: 'Two side by side', Icon: LayoutSplitIcon },
  { layout: 'grid', label: 'All terminals in a grid', Icon: LayoutGridIcon },
];

/** Leaves this much of the window to the header and the agents above the dock. */
const ROOM_ABOVE = 150;

/**
 * The terminal area, docked under the agents like an IDE's panel: tabs of every session the
 * backend holds (all windows see the same), one/split/grid layouts, resizable, maximizable.
 */
export function TerminalDock() {
  const terminals = useTerminals((state) => state.terminals);
  const ui = useTerminalUi();
  const [confirming, setConfirming] = useState<TerminalInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  const tabIds = useMemo(() => terminals.map((t) => t.id), [terminals]);
  const active = resolveActive(tabIds, ui.active, ui.recent);
  const visible = ui.collapsed ? [] : visibleTerminals(ui.layout, tabIds, active, ui.recent);
  const byId = useMemo(() => new Map(terminals.map((t) => [t.id, t])), [terminals]);

  // Output in a terminal that is on screen is not news.
  useEffect(() => {
    for (const id of visible) if (ui.activity[id]) ui.clearActivity(id);
  });

  if (terminals.length === 0) return null;

  async function close(info: TerminalInfo) {
    setError(null);
    try {
      await closeTerminal(info.id);
    } catch (failure) {
      setError(`Could not close ${info.title}: ${errorMessage(failure)}`);
    }
  }

  function requestClose(info: TerminalInfo) {
    // Without tmux the agent's terminal *is* the agent: closing it ends what runs there.
    if (info.kind === 'agent' && !info.persistent && info.state !== 'exited') setConfirming(info);
    else void close(info);
  }

  const columns = ui.layout === 'grid' ? gridColumns(visible.length) : visible.length;
  const height = ui.maximized ? undefined : ui.collapsed ? undefined : ui.dockHeight;

  return (
    <section
      className={`dock${ui.maximized ? ' dock-maximized' : ''}${ui.collapsed ? ' dock-collapsed' : ''}`}
      style={height === undefined ? undefined : { height }}
      aria-label="Terminals"
      data-testid="terminal-dock"
      data-layout={ui.layout}
    >
      {!ui.maximized && !ui.collapsed && <DockResizer height={ui.dockHeight} onResize={ui.setDockHeight} />}
      <div className="dock-bar">
        <TerminalTabs
          terminals={terminals}
          active={active}
          visible={visible}
          activity={ui.activity}
          onActivate={(id) => focusTerminal(id)}
          onClose={requestClose}
        />
        <div className="dock-tools">
          <div className="segmented" role="group" aria-label="Layout">
            {LAYOUT_BUTTONS.map(({ layout, label, Icon }) => (
              <button
                key={layout}
                type="button"
                className={`segmented-button${ui.layout === layout ? ' is-on' : ''}`}
                data-testid={`layout-${layout}`}
                aria-pressed={ui.layout === layout}
                aria-label={label}
                title={label}
                onClick={() => ui.setLayout(layout)}
              >
                <Icon />
              </button>
            ))}
          </div>
          <TerminalSettings />
          <button
            type="button"
            className="icon-button dock-button"
            aria-label={ui.maximized ? 'Restore terminal panel' : 'Maximize terminal panel'}
            title={ui.maximized ? 'Restore' : 'Maximize'}
            data-testid="dock-maximize"
            onClick={() => ui.setMaximized(!ui.maximized)}
          >
            <MaximizeIcon restore={ui.maximized} />
          </button>
          <button
            type="button"
            className="icon-button dock-button"
            aria-label={ui.collapsed ? 'Show terminals' : 'Hide terminals'}
            title={ui.collapsed ? 'Show terminals' : 'Hide terminals'}
            data-testid="dock-collapse"
            onClick={() => ui.setCollapsed(!ui.collapsed)}
          >
            <ChevronIcon up={ui.collapsed} />
          </button>
        </div>
      </div>
      {error && (
        <div className="dock-error">
          <InlineError testId="terminal-error" message={error} onDismiss={() => setError(null)} />
        </div>
      )}
      {!ui.collapsed && (
        <div
          className={`dock-panes dock-panes-${ui.layout}`}
          style={{ gridTemplateColumns: `repeat(${Math.max(1, columns)}, minmax(0, 1fr))` }}
        >
          {visible.map((id, index) => {
            const info = byId.get(id);
            if (!info) return null;
            // The last pane of an uneven grid takes the rest of its row.
            const span = index === visible.length - 1 ? lastPaneSpan(visible.length, columns) : 1;
            return (
              <div
                key={id}
                className={`dock-pane${id === active && visible.length > 1 ? ' is-active' : ''}`}
                style={span > 1 ? { gridColumn: `span ${span}` } : undefined}
              >
                {visible.length > 1 && (
                  <button type="button" className="dock-pane-head" onClick={() => focusTerminal(id)} tabIndex={-1}>
                    <span className={`term-dot term-dot-${info.state}`} aria-hidden="true" />
                    {terminalLabel(info)}
                  </button>
                )}
                <TerminalView
                  info={info}
                  focused={id === active}
                  onActivate={() => {
                    if (useTerminalUi.getState().active !== id) useTerminalUi.getState().activate(id, false);
                  }}
                  onRequestClose={() => requestClose(info)}
                />
              </div>
            );
          })}
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title="Close terminal"
          message={`${confirming.agent} has no tmux, so this terminal is not persistent: closing it ends whatever runs in it.`}
          confirmLabel="Close"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const info = confirming;
            setConfirming(null);
            void close(info);
          }}
        />
      )}
    </section>
  );
}

/** The dock's top edge: drag to resize, double-click to maximize. */
function DockResizer({ height, onResize }: { height: number; onResize(height: number, persist: boolean): void }) {
  const drag = useRef<{ startY: number; startHeight: number } | null>(null);
  const setMaximized = useTerminalUi((state) => state.setMaximized);

  const limit = (value: number) => Math.max(MIN_DOCK_HEIGHT, Math.min(value, window.innerHeight - ROOM_ABOVE));

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startY: event.clientY, startHeight: height };
  }
  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!drag.current) return;
    onResize(limit(drag.current.startHeight + drag.current.startY - event.clientY), false);
  }
  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    if (drag.current) onResize(limit(drag.current.startHeight + drag.current.startY - event.clientY), true);
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  }

  return (
    <div
      className="dock-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize terminal panel"
      aria-valuenow={height}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => setMaximized(true)}
      onKeyDown={(event) => {
        if (event.key === 'ArrowUp') onResize(limit(height + 24), true);
        if (event.key === 'ArrowDown') onResize(limit(height - 24), true);
      }}
    />
  );
}
