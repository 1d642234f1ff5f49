/**
 * The agents' mirror against Incus's list and events arriving while the list is on its way.
 * Incus is faked here (pure logic of the mirror); agents.itest.ts covers the real daemon.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AgentsChange } from '../../shared/types.js';
import type { IncusEvent } from '../incus/events.js';
import type { Instance } from '../incus/instances.js';
import { instanceFixture } from '../test-support/instance-fixture.js';

const incus = vi.hoisted(() => ({
  list: [] as ((value: Instance[]) => void)[],
  get: new Map<string, Instance | null>(),
}));

vi.mock('../incus/instances.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../incus/instances.js')>()),
  listInstances: () => new Promise<Instance[]>((resolve) => incus.list.push(resolve)),
  getInstance: async (_client: unknown, name: string) => {
    const inst = incus.get.get(name);
    if (!inst) {
      const { IncusError } = await import('../incus/errors.js');
      throw new IncusError('not found', 404);
    }
    return inst;
  },
}));

const { AgentService } = await import('./agents.js');

const instance = (name: string, status: string): Instance => instanceFixture(name, { status });

class FakeConnection extends EventEmitter {
  requireClient() {
    return {};
  }
  noteFailure() {}
}

function lifecycle(action: string, name: string): IncusEvent {
  return { type: 'lifecycle', timestamp: '', metadata: { action, source: `/1.0/instances/${name}`, context: {}, requestor: null } };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  incus.list.length = 0;
  incus.get.clear();
  const connection = new FakeConnection();
  const service = new AgentService(connection as never);
  const resets: AgentsChange[] = [];
  service.on('changed', (c) => c.kind === 'reset' && resets.push(c));
  return { connection, service, resets };
}

describe('AgentService resync', () => {
  it('keeps what an event reported while the list was on its way, instead of the older list', async () => {
    const { connection, service, resets } = setup();
    connection.emit('ready', {});
    // While the list is being answered, "a" starts and "b" is deleted: their events land first.
    incus.get.set('a', instance('a', 'Running'));
    connection.emit('event', lifecycle('instance-started', 'a'));
    connection.emit('event', lifecycle('instance-deleted', 'b'));
    await flush();
    // The list was taken before those changes.
    incus.list.shift()?.([instance('a', 'Stopped'), instance('b', 'Running')]);
    await flush();
    expect(service.cached().map((a) => [a.name, a.status])).toEqual([['a', 'Running']]);
    expect(resets.at(-1)).toMatchObject({ kind: 'reset', agents: [{ name: 'a', status: 'Running' }] });
  });

  it('drops a list overtaken by a newer resync', async () => {
    const { connection, service, resets } = setup();
    connection.emit('ready', {});
    connection.emit('ready', {});
    const [older, newer] = incus.list.splice(0);
    newer?.([instance('a', 'Running')]);
    await flush();
    older?.([instance('a', 'Stopped'), instance('gone', 'Running')]);
    await flush();
    expect(service.cached().map((a) => [a.name, a.status])).toEqual([['a', 'Running']]);
    expect(resets).toHaveLength(1);
  });

  it('takes the list as it is where nothing changed meanwhile', async () => {
    const { connection, service } = setup();
    connection.emit('ready', {});
    incus.list.shift()?.([instance('a', 'Stopped')]);
    await flush();
    connection.emit('ready', {});
    incus.list.shift()?.([instance('b', 'Running')]);
    await flush();
    expect(service.cached().map((a) => a.name)).toEqual(['b']);
  });

  it('keeps the last known agents through an outage: nothing is removed, the list answers from the mirror', async () => {
    const { connection, service } = setup();
    const changes: AgentsChange[] = [];
    service.on('changed', (c) => changes.push(c));
    connection.emit('ready', {});
    incus.list.shift()?.([instance('a', 'Running'), instance('b', 'Stopped')]);
    await flush();
    // Incus goes away: the connection reports it, requests would fail.
    connection.requireClient = () => {
      throw new Error('Incus is unavailable');
    };
    connection.emit('status', { state: 'unavailable' });
    expect((await service.list()).map((a) => a.name)).toEqual(['a', 'b']);
    expect(changes.filter((c) => c.kind !== 'reset' || c.agents.length !== 2)).toEqual([]);
  });

  it('once Incus is back, the list waits for the resync instead of answering the mirror from before the outage', async () => {
    const { connection, service } = setup();
    connection.emit('ready', {});
    incus.list.shift()?.([instance('a', 'Running'), instance('gone', 'Running')]);
    await flush();
    // Back after an outage during which another client deleted "gone".
    connection.emit('ready', {});
    const listed = service.list();
    incus.list.shift()?.([instance('a', 'Running')]);
    expect((await listed).map((a) => a.name)).toEqual(['a']);
  });
});
