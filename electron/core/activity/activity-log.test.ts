import { describe, expect, it } from 'vitest';
import { ActivityLog, GRACE_MS, actorOf, reasonOf } from './activity-log.js';

const meta = (action: string, protocol = 'unix', source = '/1.0/instances/worker') => ({ action, source, context: {}, requestor: { username: 'root', protocol, address: '@' } });
const CLI = 'incus CLI / another client (root)';

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

const lines = (log: ActivityLog, agent = 'worker') => log.list(agent).map((e) => `${e.actor}: ${e.message}`);

describe('activity log: attribution of Enclave actions', () => {
  it('logs an action once, when it is done, with the events it caused, however long it runs (a 30 s graceful stop)', async () => {
    const { log, advance, at } = clocked();
    const stop = pending<void>();
    const running = log.track('worker', { kind: 'lifecycle', done: 'stopped', failed: 'stop failed', expects: ['instance-stopped', 'instance-shutdown'] }, stop.work);
    expect(log.list('worker')).toEqual([]);
    advance(29_000);
    expect(log.onLifecycle(meta('instance-shutdown'))).toBeNull();
    advance(900);
    stop.resolve();
    await running;
    // Its reply can come just before its event.
    advance(GRACE_MS - 1);
    expect(log.onLifecycle(meta('instance-stopped'))).toBeNull();
    expect(log.list('worker')).toEqual([expect.objectContaining({ actor: 'Enclave', kind: 'lifecycle', message: 'stopped', at: at() - GRACE_MS + 1 })]);
  });

  it('records a failed action as failed, with Incus\'s reason, never as done; the events it did cause are its own', async () => {
    const { log, advance } = clocked();
    const restart = pending<void>();
    const running = log.track(
      'worker',
      { kind: 'lifecycle', done: 'restarted', failed: 'restart failed', by: 'guard', expects: ['instance-shutdown', 'instance-started', 'instance-restarted'] },
      restart.work,
    );
    expect(log.onLifecycle(meta('instance-shutdown'))).toBeNull();
    restart.reject(new Error('Failed to start:\n  address already in use'));
    await expect(running).rejects.toThrow(/address already in use/);
    expect(lines(log)).toEqual(['guard: shut down', 'guard: restart failed: Failed to start: address already in use']);
    // A late event of the failed action is still its own, not another client's.
    advance(1_000);
    expect(log.onLifecycle(meta('instance-started'))).toMatchObject({ actor: 'guard', message: 'started' });
    expect(log.list('worker').some((e) => e.message === 'restarted')).toBe(false);
  });

  it('logs an event from another client during a long action as that client\'s, and only the expected events as Enclave\'s', async () => {
    const { log, advance } = clocked();
    const restore = pending<void>();
    const running = log.track('worker', { kind: 'snapshot', done: 'restored to s1', failed: 'restore to s1 failed', expects: ['instance-snapshot-created', 'instance-restored'] }, restore.work);
    advance(10_000);
    // Not an action the restore causes, or not this agent: someone else's.
    expect(log.onLifecycle(meta('instance-paused'))).toMatchObject({ actor: CLI, message: 'frozen' });
    expect(log.onLifecycle(meta('instance-restored', 'unix', '/1.0/instances/other'))).toMatchObject({ agent: 'other', actor: CLI });
    expect(log.onLifecycle(meta('instance-snapshot-created', 'unix', '/1.0/instances/worker/snapshots/safety-1'))).toBeNull();
    // Each expected action claims one event: a second snapshot meanwhile is another client's.
    expect(log.onLifecycle(meta('instance-snapshot-created', 'unix', '/1.0/instances/worker/snapshots/theirs'))).toMatchObject({ actor: CLI, message: 'snapshot theirs taken' });
    advance(20_000);
    expect(log.onLifecycle(meta('instance-restored'))).toBeNull();
    restore.resolve();
    await running;
    expect(lines(log)).toEqual([`${CLI}: frozen`, `${CLI}: snapshot theirs taken`, 'Enclave: restored to s1']);
  });

  it('gives the events back to others once the grace after the action is over', async () => {
    const { log, advance } = clocked();
    await log.track('worker', { kind: 'lifecycle', done: 'frozen', failed: 'freeze failed', expects: ['instance-paused'] }, async () => undefined);
    advance(GRACE_MS + 1);
    expect(log.onLifecycle(meta('instance-paused'))).toMatchObject({ actor: CLI });
  });

  it('attributes to the oldest of two actions running at once, and words the entry from the result', async () => {
    const { log } = clocked();
    const first = pending<string>();
    const a = log.track('worker', { kind: 'network', done: (addr) => `network on ${addr}`, failed: 'network change failed', expects: ['instance-updated'] }, first.work);
    const b = log.track('worker', { kind: 'limits', done: 'limits changed', failed: 'limits change failed', expects: ['instance-updated'] }, async () => undefined);
    await b;
    expect(log.onLifecycle(meta('instance-updated'))).toBeNull();
    expect(log.onLifecycle(meta('instance-updated'))).toBeNull();
    expect(log.onLifecycle(meta('instance-updated'))).toMatchObject({ actor: CLI, message: 'configuration changed' });
    first.resolve('10.0.0.2');
    await a;
    expect(lines(log)).toEqual(['Enclave: limits changed', `${CLI}: configuration changed`, 'Enclave: network on 10.0.0.2']);
  });

  it('keeps an action\'s claims across a rename of its agent', async () => {
    const { log } = clocked();
    const stop = pending<void>();
    const running = log.track('worker', { kind: 'lifecycle', done: 'stopped', failed: 'stop failed', expects: ['instance-shutdown'] }, stop.work);
    const renamed = { ...meta('instance-renamed', 'unix', '/1.0/instances/builder'), context: { old_name: 'worker' } };
    expect(log.onLifecycle(renamed)).toMatchObject({ agent: 'builder', actor: CLI });
    expect(log.onLifecycle(meta('instance-shutdown', 'unix', '/1.0/instances/builder'))).toBeNull();
    stop.resolve();
    await running;
    expect(lines(log, 'builder')).toEqual([`${CLI}: renamed from worker`, 'Enclave: stopped']);
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
    log.record('worker', 'limits', 'limits changed: memory 1GiB → 2GiB', 'Enclave');
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
      actor: 'root (@)',
    });
    expect(log.onLifecycle({ ...meta('instance-restored'), context: { snapshot: 'worker/s1' } })).toMatchObject({ message: 'restored to s1' });
    expect(actorOf({ action: 'instance-snapshot-created', requestor: null })).toBe('Incus (schedule)');
    expect(log.onLifecycle(meta('instance-exec'))).toBeNull();
    for (const m of ['a', 'b', 'c']) log.record('worker', 'guard', m, 'guard');
    expect(log.list('worker').map((e) => e.message)).toEqual(['a', 'b', 'c']);
    expect(log.list('worker', 2).map((e) => e.message)).toEqual(['b', 'c']);
  });
});
