/**
 * The terminals this window has live: one TerminalSession per backend session it shows, fed by
 * terminals.data events. Views ask for a session when they mount; the manager attaches it
 * (once per backend connection) and keeps it attached while its tab exists, so switching tabs
 * or layouts keeps scrollback and needs no replay.
 */
import type { TerminalData, TerminalInfo, TerminalKind, TerminalsChange } from '../../../shared/types.js';
import { backendLink, enclave } from '../api.js';
import { errorMessage, isEnclaveErrorCode } from '../lib/errors.js';
import { effectiveTheme } from '../lib/theme.js';
import { useBackend } from '../stores/backend.js';
import { useTerminalUi } from '../stores/terminal-ui.js';
import { terminalById, useTerminals } from '../stores/terminals.js';
import { useTheme } from '../stores/theme.js';
import { type SessionContext, TerminalSession, type TerminalProbe, type TerminalSize } from './session.js';

declare global {
  interface Window {
    /** For end-to-end tests: the text of a terminal's buffer, whatever renders it. */
    __enclaveTerminalText?: (id: string) => string;
    /** For end-to-end tests: the size xterm draws a terminal at, or null when it has none. */
    __enclaveTerminalSize?: (id: string) => { cols: number; rows: number } | null;
    /** For bench/keystroke.ts: hooks into a terminal's xterm. */
    __enclaveTerminalProbe?: (id: string) => TerminalProbe | null;
  }
}

const sessions = new Map<string, TerminalSession>();
/** Sessions that ended or were closed: late output for them is dropped, not resurrected. */
const gone = new Set<string>();
/** Counts backend connections: an attachment made on an earlier one no longer exists. */
let epoch = 0;
/**
 * terminals.open calls in flight, with the size each asked for: their output may arrive
 * before their reply names them, and must be parsed at that size.
 */
const opening = new Map<Promise<unknown>, TerminalSize>();
/** Agents whose agent terminal is being opened (one at a time). */
const openingAgent = new Map<string, Promise<TerminalInfo>>();

const DEFAULT_SIZE = { cols: 100, rows: 30 };

const context: SessionContext = {
  info: (id) => terminalById(id),
  link: () => backendLink.getState(),
  theme: () => {
    const { choice, systemDark } = useTheme.getState();
    return effectiveTheme(choice, systemDark);
  },
  fontSize: () => useTerminalUi.getState().fontSize,
  allowOsc52: () => useTerminalUi.getState().allowOsc52,
  screenReaderMode: () => useTerminalUi.getState().screenReaderMode,
  input: (id, data) => enclave.invoke('terminals.input', { id, data }),
  ack: (id, bytes) => {
    enclave.invoke('terminals.ack', { id, bytes }).catch(() => {
      // The session ended or the connection dropped: nothing left to acknowledge.
    });
  },
  resize: (id, cols, rows) => {
    enclave.invoke('terminals.resize', { id, cols, rows }).catch((error: unknown) => {
      console.warn(`terminals.resize ${id} failed:`, errorMessage(error));
    });
  },
  shortcut: (_id, shortcut) => {
    const ui = useTerminalUi.getState();
    if (shortcut === 'zoom-in') ui.zoom(1);
    else if (shortcut === 'zoom-out') ui.zoom(-1);
    else if (shortcut === 'zoom-reset') ui.zoom(0);
  },
  activity: (id) => useTerminalUi.getState().markActivity(id),
};

function create(id: string, openedAt: TerminalSize | null = null): TerminalSession {
  const session = new TerminalSession(id, context, openedAt);
  sessions.set(id, session);
  return session;
}

/** The session for a tab, made when first shown. */
export function ensureSession(id: string): TerminalSession {
  return sessions.get(id) ?? create(id);
}

export function getSession(id: string): TerminalSession | undefined {
  return sessions.get(id);
}

function forgetGone(id: string): void {
  gone.add(id);
  if (gone.size > 1000) gone.delete(gone.values().next().value as string);
}

function drop(id: string): void {
  forgetGone(id);
  sessions.get(id)?.dispose();
  sessions.delete(id);
  useTerminalUi.getState().forget(id);
}

/** terminals.data: only ever for sessions this connection is attached to. */
export function receiveData({ id, data }: TerminalData): void {
  let session = sessions.get(id);
  if (!session) {
    if (gone.has(id)) return;
    // Output of a terminal we are opening, ahead of the reply that names it: drawn at the
    // size that open asked for (the latest, should several be in flight).
    session = create(id, [...opening.values()].at(-1) ?? null);
    session.adopt(epoch);
  }
  session.write(data);
}

export function receiveChange(change: TerminalsChange): void {
  useTerminals.getState().apply(change);
  if (change.kind === 'removed') drop(change.id);
}

/**
 * Attaches a shown session unless this window already is (attaching twice would replay the
 * scrollback twice). Waits for opens in flight: one of them may be this very session.
 */
export async function ensureAttached(id: string): Promise<void> {
  const session = ensureSession(id);
  if (session.attachedEpoch === epoch || session.getSnapshot().attach === 'attaching') return;
  if (opening.size > 0) await Promise.allSettled([...opening.keys()]);
  if (session.disposed || session.attachedEpoch === epoch || session.getSnapshot().attach === 'attaching') return;
  if (useBackend.getState().link !== 'connected') return;
  const epochAtCall = epoch;
  const seq = session.beginAttach();
  try {
    const info = await enclave.invoke('terminals.attach', { id });
    useTerminals.getState().learn(info);
    if (epochAtCall === epoch) session.attached(seq, epochAtCall);
  } catch (error) {
    if (isEnclaveErrorCode(error, 'not-found')) {
      receiveChange({ kind: 'removed', id });
      return;
    }
    session.attachFailed(seq, errorMessage(error));
  }
}

/** Retry button of a view whose attach failed. */
export function retryAttach(id: string): void {
  void ensureAttached(id);
}

function estimateSize(): { cols: number; rows: number } {
  const { active } = useTerminalUi.getState();
  const fromActive = active ? sessions.get(active)?.currentSize() : null;
  if (fromActive) return fromActive;
  for (const session of sessions.values()) {
    const size = session.currentSize();
    if (size) return size;
  }
  return DEFAULT_SIZE;
}

/** Shows the terminal (opening the dock if needed) and gives it the keyboard. */
export function focusTerminal(id: string): void {
  useTerminalUi.getState().activate(id, true);
}

/** Opens a new session of `kind` in `agent`, and shows it. */
export async function openTerminal(agent: string, kind: TerminalKind): Promise<TerminalInfo> {
  const epochAtCall = epoch;
  const size = estimateSize();
  const call = enclave.invoke('terminals.open', { agent, kind, ...size });
  opening.set(call, size);
  let info: TerminalInfo;
  try {
    info = await call;
  } finally {
    opening.delete(call);
  }
  useTerminals.getState().learn(info);
  if (!gone.has(info.id)) {
    const session = ensureSession(info.id);
    if (epochAtCall === epoch) session.adopt(epochAtCall);
  }
  focusTerminal(info.id);
  return info;
}

/** The agent's own terminal: the open one if there is one, else a new one. */
export function openAgentTerminal(agent: string): Promise<TerminalInfo> {
  const existing = useTerminals.getState().terminals.find((t) => t.agent === agent && t.kind === 'agent' && t.state !== 'exited');
  if (existing) {
    focusTerminal(existing.id);
    return Promise.resolve(existing);
  }
  const pending = openingAgent.get(agent);
  if (pending) return pending;
  const call = openTerminal(agent, 'agent').finally(() => openingAgent.delete(agent));
  openingAgent.set(agent, call);
  return call;
}

export function openShell(agent: string): Promise<TerminalInfo> {
  return openTerminal(agent, 'shell');
}

/** Ends a session (a tmux client only detaches: the agent keeps running). */
export async function closeTerminal(id: string): Promise<void> {
  try {
    await enclave.invoke('terminals.close', { id });
  } catch (error) {
    if (!isEnclaveErrorCode(error, 'not-found')) throw error;
  }
  // The removed event normally does this; after not-found there is none.
  if (terminalById(id)) receiveChange({ kind: 'removed', id });
}

/** For an ended agent terminal: a new one in its place. */
export async function reattachAgent(id: string): Promise<void> {
  const old = terminalById(id);
  if (!old) return;
  await openTerminal(old.agent, 'agent');
  await closeTerminal(id).catch(() => {});
}

/**
 * After terminals.list (first load or a backend reconnect): drop sessions that no longer
 * exist. `reconnected`: the backend connection is new, so nothing is attached any more; shown
 * terminals attach again (fresh xterm, replay), hidden ones when next shown.
 */
export function reconcile(reconnected: boolean): void {
  if (reconnected) {
    epoch++;
    for (const [id, session] of [...sessions]) {
      session.connectionLost();
      if (!session.isMounted) {
        session.dispose();
        sessions.delete(id);
      }
    }
  }
  const known = new Set(useTerminals.getState().terminals.map((t) => t.id));
  for (const id of [...sessions.keys()]) if (!known.has(id)) drop(id);
  for (const [id, session] of sessions) if (session.isMounted) void ensureAttached(id);
}

/** Keeps sessions in step with stores: state changes, theme, font size, OSC 52, screen reader mode. */
export function startTerminals(): void {
  useTerminals.subscribe((state, previous) => {
    if (state.terminals === previous.terminals) return;
    const before = new Map(previous.terminals.map((t) => [t.id, t]));
    for (const info of state.terminals) {
      const session = sessions.get(info.id);
      const was = before.get(info.id);
      if (!session || was === info) continue;
      if (was?.cols !== info.cols || was.rows !== info.rows) session.backendSized({ cols: info.cols, rows: info.rows });
      if (info.state !== 'open') session.dropPendingInput();
      else if (was?.state !== 'open') session.sendSize();
      session.setEnded(info.state === 'exited');
    }
  });
  useBackend.subscribe((state, previous) => {
    if (state.link !== previous.link && state.link !== 'connected') for (const s of sessions.values()) s.dropPendingInput();
  });
  useTheme.subscribe(() => {
    const theme = context.theme();
    for (const s of sessions.values()) s.applyTheme(theme);
  });
  useTerminalUi.subscribe((state, previous) => {
    if (state.fontSize !== previous.fontSize) for (const s of sessions.values()) s.applyFontSize(state.fontSize);
    if (state.allowOsc52 !== previous.allowOsc52) for (const s of sessions.values()) s.applyOsc52(state.allowOsc52);
    if (state.screenReaderMode !== previous.screenReaderMode) {
      for (const s of sessions.values()) s.applyScreenReaderMode(state.screenReaderMode);
    }
  });
  window.__enclaveTerminalText = (id: string) => sessions.get(id)?.text() ?? '';
  window.__enclaveTerminalSize = (id: string) => sessions.get(id)?.drawnSize() ?? null;
  window.__enclaveTerminalProbe = (id: string) => sessions.get(id)?.probe() ?? null;
}
