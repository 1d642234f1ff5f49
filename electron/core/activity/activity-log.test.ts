import { describe, expect, it } from 'vitest';
import { who } from '../../test-support/actor.js';
import { ActivityLog, GRACE_MS, USER, actorOf, automatic, reasonOf } from './activity-log.js';

const meta = (action: string, protocol = 'unix', source = '/1.0/instances/worker') => ({ action, source, context: {}, requestor: { username: 'root', protocol, address: '@' } });
const CLI = 'client:unix:root';
const CLI_ACTOR = { kind: 'client', protocol: 'unix', username: 'root', address: '@' };

/** A log on a clock the test moves. */
function clocked(start = 1_000) {
  let now = start;
  const log = new ActivityLog(undefined, () => now);
  return { log, advance: (ms: number) => (now += ms), at: () => now };
}

/** A piece of work the test finishes (or fails) when it chooses. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { work: () => promise, resolve, reject };
}

const lines = (log: ActivityLog, agent = 'worker') => log.list(agent).map((e) => `${who(e.actor)}: ${e.message}`);

describe('activity log: attribution of Enclave actions', () => {
  it('logs an action once, when it is done, with the events it caused, however long it runs (a 30 s graceful stop)', async () => {
    const { log, advance, at } = clocked();
    const stop = pending<void>();
    const running = log.track('worker', { kind: 'lifecycle', done: 'stopped', failed: 'stop failed', by: USER, expects: ['instance-stopped', 'instance-shutdown'] }, stop.work);
    expect(log.list('worker')).toEqual([]);
    advance(29_000);
    expect(log.onLifecycle(meta('instance-shutdown'))).toBeNull();
    advance(900);
    stop.resolve();
    await running;
    // Its reply can come just before its event.
    advance(GRACE_MS - 1);
    expect(log.onLifecycle(meta('instance-stopped'))).toBeNull();
    expect(log.list('worker')).toEqual([expect.objectContaining({ actor: { kind: 'user' }, kind: 'lifecycle', message: 'stopped', at: at() - GRACE_MS + 1 })]);
  });

  it('records a failed action as failed, with Incus\'s reason, never as done; the events it did cause are its own', async () => {
    const { log, advance } = clocked();
    const restart = pending<void>();
    const running = log.track(
      'worker',
      { kind: 'lifecycle', done: 'restarted', failed: 'restart failed', by: automatic('guard-freeze'), expects: ['instance-shutdown', 'instance-started', 'instance-restarted'] },
      restart.work,
    );
    expect(log.onLifecycle(meta('instance-shutdown'))).toBeNull();
    restart.reject(new Error('Failed to start:\n  address already in use'));
    await expect(running).rejects.toThrow(/address already in use/);
    expect(lines(log)).toEqual(['automatic:guard-freeze: shut down', 'automatic:guard-freeze: restart failed: Failed to start: address already in use']);
    // A late event of the failed action is still its own, not another client's.
    advance(1_000);
    expect(log.onLifecycle(meta('instance-started'))).toMatchObject({ actor: { kind: 'automatic', by: 'guard-freeze' }, message: 'started' });
    expect(log.list('worker').some((e) => e.message === 'restarted')).toBe(false);
  });

  it('logs an event from another client during a long action as that client\'s, and only the expected events as Enclave\'s', async () => {
    const { log, advance } = clocked();
    const restore = pending<void>();
    const running = log.track('worker', { kind: 'snapshot', done: 'restored to s1', failed: 'restore to s1 failed', by: USER, expects: ['instance-snapshot-created', 'instance-restored'] }, restore.work);
    advance(10_000);
    // Not an action the restore causes, or not this agent: someone else's.
    expect(log.onLifecycle(meta('instance-paused'))).toMatchObject({ actor: CLI_ACTOR, message: 'frozen' });
    expect(log.onLifecycle(meta('instance-restored', 'unix', '/1.0/instances/other'))).toMatchObject({ agent: 'other', actor: CLI_ACTOR });
    expect(log.onLifecycle(meta('instance-snapshot-created', 'unix', '/1.0/instances/worker/snapshots/safety-1'))).toBeNull();
    // Each expected action claims one event: a second snapshot meanwhile is another client's.
    expect(log.onLifecycle(meta('instance-snapshot-created', 'unix', '/1.0/instances/worker/snapshots/theirs'))).toMatchObject({ actor: CLI_ACTOR, message: 'snapshot theirs taken' });
    advance(20_000);
    expect(log.onLifecycle(meta('instance-restored'))).toBeNull();
    restore.resolve();
    await running;
    expect(lines(log)).toEqual([`${CLI}: frozen`, `${CLI}: snapshot theirs taken`, 'user: restored to s1']);
  });

  it('gives the events back to others once the grace after the action is over', async () => {
    const { log, advance } = clocked();
    await log.track('worker', { kind: 'lifecycle', done: 'frozen', failed: 'freeze failed', by: USER, expects: ['instance-paused'] }, async () => undefined);
    advance(GRACE_MS + 1);
    expect(log.onLifecycle(meta('instance-paused'))).toMatchObject({ actor: CLI_ACTOR });
  });

  it('attributes to the oldest of two actions running at once, and words the entry from the result', async () => {
    const { log } = clocked();
    const first = pending<string>();
    const a = log.track('worker', { kind: 'network', done: (addr) => `network on ${addr}`, failed: 'network change failed', by: USER, expects: ['instance-updated'] }, first.work);
    const b = log.track('worker', { kind: 'limits', done: 'limits changed', failed: 'limits change failed', by: USER, expects: ['instance-updated'] }, async () => undefined);
    await b;
    expect(log.onLifecycle(meta('instance-updated'))).toBeNull();
    expect(log.onLifecycle(meta('instance-updated'))).toBeNull();
    expect(log.onLifecycle(meta('instance-updated'))).toMatchObject({ actor: CLI_ACTOR, message: 'configuration changed' });
    first.resolve('10.0.0.2');
    await a;
    expect(lines(log)).toEqual(['user: limits changed', `${CLI}: configuration changed`, 'user: network on 10.0.0.2']);
  });

  it('keeps an action\'s claims across a rename of its agent', async () => {
    const { log } = clocked();
    const stop = pending<void>();
    const running = log.track('worker', { kind: 'lifecycle', done: 'stopped', failed: 'stop failed', by: USER, expects: ['instance-shutdown'] }, stop.work);
    const renamed = { ...meta('instance-renamed', 'unix', '/1.0/instances/builder'), context: { old_name: 'worker' } };
    expect(log.onLifecycle(renamed)).toMatchObject({ agent: 'builder', actor: CLI_ACTOR });
    expect(log.onLifecycle(meta('instance-shutdown', 'unix', '/1.0/instances/builder'))).toBeNull();
    stop.resolve();
    await running;
    expect(lines(log, 'builder')).toEqual([`${CLI}: renamed from worker`, 'user: stopped']);
  });

  it('quotes a reason on one bounded line', () => {
    expect(reasonOf(new Error('a\n\tb'))).toBe('a b');
    expect(reasonOf('x'.repeat(1000)).length).toBe(300);
    expect(reasonOf(new Error(''))).toBe('no reason given');
  });
});

describe('activity log', () => {
  it('follows a rename: the history moves to the new name, with the rename on it', () => {
    const log = new ActivityLog();
    log.record('worker', 'limits', 'limits changed: memory 1GiB → 2GiB', USER);
    log.onLifecycle(meta('instance-started'));
    const renamed = { ...meta('instance-renamed', 'unix', '/1.0/instances/builder'), context: { old_name: 'worker' } };
    expect(log.onLifecycle(renamed)).toMatchObject({ agent: 'builder', message: 'renamed from worker' });
    expect(log.list('worker')).toEqual([]);
    expect(log.list('builder').map((e) => [e.agent, e.message])).toEqual([
      ['builder', 'limits changed: memory 1GiB → 2GiB'],
      ['builder', 'started'],
      ['builder', 'renamed from worker'],
    ]);
  });

  it('words snapshots and names actors; ignores unlisted actions; bounded, newest last', () => {
    const log = new ActivityLog(3);
    expect(log.onLifecycle(meta('instance-snapshot-created', 'tls', '/1.0/instances/worker/snapshots/s1'))).toMatchObject({
      kind: 'snapshot',
      message: 'snapshot s1 taken',
      actor: { kind: 'client', protocol: 'tls', username: 'root', address: '@' },
    });
    expect(log.onLifecycle({ ...meta('instance-restored'), context: { snapshot: 'worker/s1' } })).toMatchObject({ message: 'restored to s1' });
    expect(log.onLifecycle(meta('instance-exec'))).toBeNull();
    for (const m of ['a', 'b', 'c']) log.record('worker', 'guard', m, automatic('guard-alert'));
    expect(log.list('worker').map((e) => e.message)).toEqual(['a', 'b', 'c']);
    expect(log.list('worker', 2).map((e) => e.message)).toEqual(['b', 'c']);
  });
});

describe('activity log: who did it', () => {
  it('tells Incus acting on its own apart by what it did: a scheduled snapshot, an expired one deleted, anything else', () => {
    expect(actorOf({ action: 'instance-snapshot-created', requestor: null })).toEqual({ kind: 'incus', cause: 'schedule' });
    expect(actorOf({ action: 'instance-snapshot-deleted', requestor: {} })).toEqual({ kind: 'incus', cause: 'expiry' });
    expect(actorOf({ action: 'instance-stopped', requestor: null })).toEqual({ kind: 'incus', cause: 'daemon' });
  });

  it("carries a client's transport, name and address as facts, bounded; an unknown transport is no transport", () => {
    expect(actorOf({ action: 'instance-stopped', requestor: { protocol: 'unix', username: 'root' } })).toEqual({ kind: 'client', protocol: 'unix', username: 'root', address: null });
    expect(actorOf({ action: 'instance-stopped', requestor: { protocol: 'tls', address: '10.1.2.3:5000' } })).toEqual({ kind: 'client', protocol: 'tls', username: null, address: '10.1.2.3:5000' });
    const odd = actorOf({ action: 'instance-stopped', requestor: { protocol: 'oidc', username: 'u'.repeat(500) } });
    expect(odd).toMatchObject({ kind: 'client', protocol: null });
    expect(odd.kind === 'client' && odd.username?.length).toBe(64);
  });

  it("keeps the user's and Enclave's own actions apart: an automatic action inside the user's claims its own events", async () => {
    const { log } = clocked();
    // A rollback (the user's) and the safety snapshot Enclave takes first (automatic).
    await log.track('worker', { kind: 'snapshot', done: 'restored to s1', failed: 'restore failed', by: USER, expects: ['instance-restored'] }, async () => {
      await log.track('worker', { kind: 'snapshot', done: 'safety snapshot safety-1 taken', failed: 'safety snapshot failed', by: automatic('safety-snapshot'), expects: ['instance-snapshot-created'] }, async () => {
        expect(log.onLifecycle(meta('instance-snapshot-created', 'unix', '/1.0/instances/worker/snapshots/safety-1'))).toBeNull();
      });
      expect(log.onLifecycle(meta('instance-restored'))).toBeNull();
    });
    expect(lines(log)).toEqual(['automatic:safety-snapshot: safety snapshot safety-1 taken', 'user: restored to s1']);
  });
});
