/**
 * 1,000 lifecycle events a second for 10 s (simulated time), on ten agents: the mirror re-reads
 * each agent at most once at a time (one more queued), so the reads follow Incus's latency, not
 * the event rate, and the mirror ends where Incus is. The real daemon reaches about 76 events a
 * second here (electron/faults/event-storm.itest.ts); this drives the rate the issue names.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncusEvent } from '../incus/events.js';
import type { Instance } from '../incus/instances.js';

const READ_MS = 50;
const incus = vi.hoisted(() => ({ reads: 0, inFlight: new Map<string, number>(), maxInFlight: 0, version: new Map<string, number>() }));

const { instanceFixture } = await vi.hoisted(() => import('../test-support/instance-fixture.js'));

vi.mock('../incus/instances.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../incus/instances.js')>()),
  listInstances: async () => [],
  getInstance: (_client: unknown, name: string) => {
    incus.reads++;
    const now = (incus.inFlight.get(name) ?? 0) + 1;
    incus.inFlight.set(name, now);
    incus.maxInFlight = Math.max(incus.maxInFlight, now);
    // What Incus holds when the read is answered.
    return new Promise<Instance>((resolve) =>
      setTimeout(() => {
        incus.inFlight.set(name, (incus.inFlight.get(name) ?? 1) - 1);
        resolve(instanceFixture(name, { description: `v${incus.version.get(name) ?? 0}` }));
      }, READ_MS),
    );
  },
}));

const { AgentService } = await import('./agents.js');

class FakeConnection extends EventEmitter {
  requireClient() {
    return {};
  }
  noteFailure() {}
}

const updated = (name: string): IncusEvent => ({
  type: 'lifecycle',
  timestamp: '',
  metadata: { action: 'instance-updated', source: `/1.0/instances/${name}`, context: {}, requestor: null },
});

afterEach(() => vi.useRealTimers());

describe('AgentService under an event storm', () => {
  it('coalesces 10,000 events on ten agents into reads bounded by the daemon latency, and ends right', async () => {
    vi.useFakeTimers();
    const connection = new FakeConnection();
    const service = new AgentService(connection as never);
    let changes = 0;
    service.on('changed', () => changes++);
    const agents = Array.from({ length: 10 }, (_, i) => `a${i}`);
    // 1,000 events a second: one per millisecond, round-robin over the agents, for 10 s.
    for (let ms = 0; ms < 10_000; ms++) {
      const name = agents[ms % agents.length] as string;
      incus.version.set(name, ms);
      connection.emit('event', updated(name));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(5 * READ_MS);
    // At most one read per agent per READ_MS (plus the last), never two at once for one agent.
    expect(incus.maxInFlight).toBe(1);
    expect(incus.reads).toBeLessThanOrEqual(agents.length * (10_000 / READ_MS + 2));
    expect(incus.reads).toBeLessThan(10_000 / 4);
    expect(changes).toBe(incus.reads);
    // The mirror holds what Incus held last, for every agent.
    const byName = new Map(service.cached().map((a) => [a.name, a.description]));
    for (const name of agents) expect(byName.get(name)).toBe(`v${incus.version.get(name)}`);
  });
});
