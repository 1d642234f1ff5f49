import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { TerminalInfo } from '../../../shared/types.js';
import type { Pty } from '../../incus/pty.js';
import { TerminalSession } from './session.js';

/** Enough of a Pty for the session: it emits what the test says. */
class FakePty extends EventEmitter {
  write = vi.fn();
  resize = vi.fn();
  pause = vi.fn();
  resume = vi.fn();
  hangup = vi.fn();
  kill = vi.fn();
}

function persistentSession() {
  const ptys: FakePty[] = [];
  const session = new TerminalSession(
    { id: 't1', agent: 'web', kind: 'agent', title: 'web', persistent: true, notice: null, cols: 80, rows: 24, createdAt: '2026-12-01T10:00:00Z' },
    () => {
      const pty = new FakePty();
      ptys.push(pty);
      return Promise.resolve(pty as unknown as Pty);
    },
  );
  const changes: TerminalInfo[] = [];
  session.on('changed', () => changes.push({ ...session.info }));
  return { session, ptys, changes };
}

/** The PTY killed under the session (its agent restarted), then the session reattaching. */
async function restartUnder(session: TerminalSession, ptys: FakePty[]): Promise<void> {
  ptys.at(-1)?.emit('exit', 137);
  expect(session.info.state).toBe('reconnecting');
  session.kick();
  await vi.waitFor(() => expect(session.info.state).toBe('open'));
}

describe('TerminalSession across a restore', () => {
  it('carries the restore on the change that reopens it, not before', async () => {
    const { session, ptys, changes } = persistentSession();
    await session.start();
    expect(session.info.rolledBack).toBeNull();
    const rollback = { snapshot: 'good', at: '2026-12-01T10:05:00Z' };
    session.expectRollback(rollback);
    expect(session.info.rolledBack).toBeNull();
    await restartUnder(session, ptys);
    expect(changes.filter((c) => c.state === 'reconnecting').map((c) => c.rolledBack)).toEqual([null]);
    expect(changes.at(-1)).toMatchObject({ state: 'open', rolledBack: rollback });
    // Once: a later restart for another reason keeps naming that restore, not a new one.
    await restartUnder(session, ptys);
    expect(session.info.rolledBack).toBe(rollback);
  });

  it('forgets a restore that failed: a later reconnect names none', async () => {
    const { session, ptys } = persistentSession();
    await session.start();
    const rollback = { snapshot: 'good', at: '2026-12-01T10:05:00Z' };
    session.expectRollback(rollback);
    session.dropRollback(rollback);
    await restartUnder(session, ptys);
    expect(session.info.rolledBack).toBeNull();
  });
});
