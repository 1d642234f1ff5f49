/**
 * Fault: a storm of lifecycle events. Parallel loops PATCH a config key (user.storm=N) on a
 * few agents for 10 s through a client of their own; each PATCH is an `instance-updated`
 * event the Backend follows. The Backend must coalesce: it re-reads an agent at most once at
 * a time with at most one more queued, so its getInstance calls stay far below the events,
 * its memory stays bounded, and when the storm ends its mirror equals a fresh list.
 */
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../shared/types.js';
import { toAgent } from '../core/agent-model.js';
import { IncusClient } from '../incus/client.js';
import { listInstances, patchConfig } from '../incus/instances.js';
import { until } from '../test-support/project.js';
import { SPARE_IMAGE, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, ok } from '../test-support/terminal-link.js';
import { FAULTS_PROJECT, useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'a storm of lifecycle events';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

const AGENTS = ['storm-a', 'storm-b', 'storm-c'];
const LOOPS_PER_AGENT = 4;
const STORM_MS = 10_000;
const READ_DELAY_MS = 250;

const byName = (agents: Agent[]) => JSON.stringify([...agents].sort((a, b) => a.name.localeCompare(b.name)));

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();
  const call = (method: string, args: unknown = {}) => new TestLink(rig.backend.handlers).call(method, args);

  it('coalesces refreshes, keeps memory bounded, and ends with the mirror equal to a fresh list', async () => {
    for (const name of AGENTS) ok<Agent>(await call('agents.create', { name, image: SPARE_IMAGE }));
    const client = rig.backend.local.connection.requireClient();

    // Counts the Backend's reads of one instance (GET /1.0/instances/NAME), whoever makes them,
    // and how many run at once; each takes READ_DELAY_MS longer, as on a loaded daemon, so
    // events arrive faster than reads and coalescing has something to do.
    const reads = new Map<string, number>();
    const inFlight = new Map<string, number>();
    let maxInFlight = 0;
    const get = client.get.bind(client);
    client.get = (async <T>(path: string, opts?: Parameters<IncusClient['get']>[1]) => {
      const name = /^\/1\.0\/instances\/([^/?]+)$/.exec(path)?.[1];
      if (!name || !AGENTS.includes(decodeURIComponent(name))) return get<T>(path, opts);
      reads.set(name, (reads.get(name) ?? 0) + 1);
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
      maxInFlight = Math.max(maxInFlight, inFlight.get(name) ?? 0);
      try {
        await new Promise((r) => setTimeout(r, READ_DELAY_MS));
        return await get<T>(path, opts);
      } finally {
        inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      }
    }) as IncusClient['get'];
    let events = 0;
    const onEvent = (e: { type: string; metadata: unknown }) => {
      const meta = e.metadata as { action?: string; source?: string };
      if (e.type === 'lifecycle' && meta.action === 'instance-updated' && AGENTS.some((a) => new RegExp(`/instances/${a}(\\?|$)`).test(meta.source ?? ''))) events++;
    };
    rig.backend.local.connection.on('event', onEvent);

    const storm = new IncusClient({ socketPath: rig.daemon.socketPath, project: FAULTS_PROJECT });
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let patches = 0;
    const t0 = Date.now();
    try {
      const end = t0 + STORM_MS;
      await Promise.all(
        AGENTS.flatMap((name) =>
          Array.from({ length: LOOPS_PER_AGENT }, async () => {
            while (Date.now() < end) await patchConfig(storm, name, { 'user.storm': String(++patches) });
          }),
        ),
      );
      const seconds = (Date.now() - t0) / 1000;
      const fresh = async () => (await listInstances(storm)).map(toAgent);
      // The last event's refresh may still be on its way: wait for the mirror to catch up.
      await until('the mirror equals a fresh list', async () => byName(rig.backend.local.agents.cached()) === byName(await fresh()), 30_000);
      expect(byName(rig.backend.local.agents.cached())).toBe(byName(await fresh()));
      const grown = process.memoryUsage().rss - rss0;
      const totalReads = AGENTS.reduce((n, a) => n + (reads.get(a) ?? 0), 0);
      const perAgentPerSecond = Math.max(...AGENTS.map((a) => (reads.get(a) ?? 0) / seconds));
      console.log(
        `event storm: ${patches} PATCHes, ${events} instance-updated events in ${seconds.toFixed(1)} s (${(events / seconds).toFixed(0)}/s); ` +
          `${totalReads} getInstance calls (max ${perAgentPerSecond.toFixed(1)}/agent/s, at most ${maxInFlight} at once per agent); RSS +${(grown / 2 ** 20).toFixed(1)} MiB`,
      );
      expect(events).toBeGreaterThan(AGENTS.length * 50);
      // One read in flight per agent and one more queued, however many events arrive meanwhile.
      expect(maxInFlight).toBe(1);
      expect(perAgentPerSecond).toBeLessThanOrEqual(1000 / READ_DELAY_MS + 1);
      expect(totalReads).toBeLessThan(events / 2);
      expect(grown).toBeLessThan(100 * 1024 * 1024);
    } finally {
      rig.backend.local.connection.off('event', onEvent);
      client.get = get;
      await storm.close();
    }
  }, 180_000);
});
