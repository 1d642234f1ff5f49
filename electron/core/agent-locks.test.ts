import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../shared/errors.js';
import { AgentLocks } from './agent-locks.js';

/** A piece of work that runs until released. */
function held() {
  let release = () => undefined as void;
  const until = new Promise<void>((resolve) => (release = resolve));
  return { work: () => until, release };
}

const busy = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof EnclaveError ? e.code : String(e)),
  );

describe('AgentLocks', () => {
  it('refuses a second ordinary action as busy, naming the first', async () => {
    const locks = new AgentLocks();
    const first = held();
    const running = locks.run('a', 'being restarted', first.work);
    await expect(locks.run('a', 'being snapshotted', async () => 1)).rejects.toThrow(/a is busy: it is being restarted/);
    expect(await locks.run('b', 'being started', async () => 2)).toBe(2);
    first.release();
    await running;
    expect(await locks.run('a', 'being started', async () => 3)).toBe(3);
  });

  it('lets an override through while an ordinary action runs, and refuses ordinary ones meanwhile', async () => {
    const locks = new AgentLocks();
    const restart = held();
    const running = locks.run('a', 'being restarted', restart.work);
    const stop = held();
    const stopping = locks.override('a', 'being stopped', stop.work);
    expect(locks.doing('a')).toBe('being stopped');
    expect(await busy(locks.run('a', 'being started', async () => undefined))).toBe('busy');
    stop.release();
    expect(await busy(stopping)).toBe('ok');
    expect(locks.doing('a')).toBe('being restarted');
    restart.release();
    await running;
    expect(locks.doing('a')).toBeUndefined();
  });

  it('runs two overrides on one agent one after the other, in order', async () => {
    const locks = new AgentLocks();
    const order: string[] = [];
    const freeze = held();
    const freezing = locks.override('a', 'being frozen', async () => {
      order.push('freeze starts');
      await freeze.work();
      order.push('freeze ends');
    });
    const deleting = locks.override('a', 'being deleted', async () => {
      order.push('delete starts');
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['freeze starts']);
    expect(locks.doing('a')).toBe('being frozen');
    freeze.release();
    await Promise.all([freezing, deleting]);
    expect(order).toEqual(['freeze starts', 'freeze ends', 'delete starts']);
    expect(locks.doing('a')).toBeUndefined();
  });

  it('a failed override does not block the next one', async () => {
    const locks = new AgentLocks();
    const failing = locks.override('a', 'being stopped', async () => {
      throw new Error('incus said no');
    });
    const next = locks.override('a', 'being deleted', async () => 'deleted');
    await expect(failing).rejects.toThrow('incus said no');
    expect(await next).toBe('deleted');
  });
});
