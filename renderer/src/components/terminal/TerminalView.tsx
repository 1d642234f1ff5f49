import { type MouseEvent, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { TerminalInfo } from '../../../../shared/types.js';
import { errorMessage } from '../../lib/errors.js';
import { useBackend } from '../../stores/backend.js';
import { useTerminalUi } from '../../stores/terminal-ui.js';
import { linkHint } from '../../terminal/links.js';
import { closeTerminal, ensureAttached, ensureSession, reattachAgent, retryAttach } from '../../terminal/manager.js';
import { Spinner } from '../Spinner.js';
import { WarningIcon } from './icons.js';
import { TerminalContextMenu } from './TerminalContextMenu.js';
import { TerminalSearch } from './TerminalSearch.js';

interface TerminalViewProps {
  info: TerminalInfo;
  /** The active terminal: it takes the keyboard when the user picks it. */
  focused: boolean;
  onActivate(): void;
  onRequestClose(): void;
}

/** One terminal on screen: the xterm (moved in from its session) and what is said over it. */
export function TerminalView({ info, focused, onActivate, onRequestClose }: TerminalViewProps) {
  const slot = useRef<HTMLDivElement>(null);
  const session = useMemo(() => ensureSession(info.id), [info.id]);
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const link = useBackend((state) => state.link);
  const focusRequest = useTerminalUi((state) => state.focusRequest);
  const [searching, setSearching] = useState(false);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [reattaching, setReattaching] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  useLayoutEffect(() => {
    const element = slot.current;
    if (!element) return;
    session.mount(element);
    void ensureAttached(info.id);
    return () => session.unmount(element);
  }, [session, info.id]);

  useEffect(() => {
    if (focused && !searching && !menu) session.focus();
    // focusRequest: the user picked this terminal again (tab click, layout change).
  }, [focused, focusRequest, session, searching, menu]);

  useEffect(() => {
    if (snapshot.findRequest > 0) setSearching(true);
  }, [snapshot.findRequest]);

  const offline = link !== 'connected';
  const reconnecting = info.state === 'reconnecting' || (offline && info.state !== 'exited');
  const exited = info.state === 'exited';

  function onContextMenu(event: MouseEvent<HTMLDivElement>) {
    event.preventDefault();
    onActivate();
    const box = event.currentTarget.getBoundingClientRect();
    setMenu({ x: event.clientX - box.left, y: event.clientY - box.top });
  }

  async function reattach() {
    setReattaching(true);
    setActionError(null);
    try {
      await reattachAgent(info.id);
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setReattaching(false);
    }
  }

  return (
    <div
      className={`term-view${focused ? ' term-view-focused' : ''}`}
      data-testid="terminal"
      data-terminal-id={info.id}
      data-agent={info.agent}
      data-kind={info.kind}
      data-state={info.state}
      onMouseDown={onActivate}
      onContextMenu={onContextMenu}
    >
      {info.notice && (
        <div className="term-notice" data-testid="terminal-notice" role="note">
          <WarningIcon />
          <span>{info.notice}</span>
        </div>
      )}
      <div className="term-slot" ref={slot} />

      {searching && (
        <TerminalSearch
          session={session}
          onClose={() => {
            setSearching(false);
            session.clearSearch();
            session.focus();
          }}
        />
      )}

      {info.state === 'connecting' && !offline && (
        <div className="term-pill" role="status">
          <Spinner />
          Connecting…
        </div>
      )}

      {snapshot.linkHover && !menu && (
        <div className="term-hint" role="status">
          {linkHint()} <span className="term-hint-url">{snapshot.linkHover}</span>
        </div>
      )}

      {snapshot.toast && (
        <div className="term-hint term-toast" role="status">
          {snapshot.toast}
        </div>
      )}

      {snapshot.attach === 'failed' && !reconnecting && (
        <div className="term-overlay" role="alert" data-testid="terminal-attach-error">
          <div className="term-overlay-card">
            <strong>Could not show this terminal</strong>
            <p>{snapshot.error}</p>
            <button type="button" className="button button-small" onClick={() => retryAttach(info.id)}>
              Retry
            </button>
          </div>
        </div>
      )}

      {reconnecting && (
        <div className="term-overlay term-overlay-reconnecting" role="status" data-testid="terminal-reconnecting">
          <div className="term-overlay-card">
            <span className="term-overlay-title">
              <Spinner />
              Disconnected, reconnecting…
            </span>
            <p>
              {offline
                ? 'Lost the connection to the Enclave backend.'
                : (info.message ?? 'The connection to the agent dropped.')}{' '}
              Typing is paused until it is back.
            </p>
          </div>
        </div>
      )}

      {exited && (
        <div className="term-exited" role="status" data-testid="terminal-exited">
          <span className="term-exited-text">
            <strong>Session ended{info.exitCode !== null ? ` (exit code ${info.exitCode})` : ''}</strong>
            {info.message && <span className="term-exited-message">{info.message}</span>}
            {actionError && <span className="term-exited-message term-error-text">{actionError}</span>}
          </span>
          {info.kind === 'agent' && (
            <button
              type="button"
              className="button button-small button-primary"
              data-testid="terminal-reattach"
              disabled={reattaching}
              aria-busy={reattaching}
              onClick={() => void reattach()}
            >
              {reattaching && <Spinner />}
              Reattach
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            data-testid="terminal-exited-close"
            onClick={() => void closeTerminal(info.id).catch((error: unknown) => setActionError(errorMessage(error)))}
          >
            Close tab
          </button>
        </div>
      )}

      {menu && (
        <TerminalContextMenu
          session={session}
          x={menu.x}
          y={menu.y}
          onFind={() => setSearching(true)}
          onCloseTab={onRequestClose}
          onDismiss={() => {
            setMenu(null);
            session.focus();
          }}
        />
      )}
    </div>
  );
}
