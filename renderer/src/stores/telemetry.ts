/**
 * Recent telemetry per agent, fed by `telemetry.samples` and, for the agent in view, by
 * `telemetry.history`. The samples live in per-agent rings outside React's state (a batch
 * writes in place); the state holds only each agent's newest sample and a version that bumps
 * when its ring changed, so a component subscribes to one agent and re-renders for it alone.
 */
import { create } from 'zustand';
import type { TelemetryBatch, TelemetrySample } from '../../../shared/types.js';
import { SHOWN_KNOWN_MS, withKnownFigures } from '../lib/telemetry-format.js';
import { SampleRing } from '../lib/telemetry-ring.js';

const rings = new Map<string, SampleRing>();

function ringFor(agent: string): SampleRing {
  let ring = rings.get(agent);
  if (!ring) {
    ring = new SampleRing();
    rings.set(agent, ring);
  }
  return ring;
}

/** The agent's samples, oldest first; read it when its version changes. */
export function telemetryRing(agent: string): SampleRing | undefined {
  return rings.get(agent);
}

interface TelemetryState {
  latest: Readonly<Record<string, TelemetrySample>>;
  versions: Readonly<Record<string, number>>;
  receive(batch: TelemetryBatch): void;
  /** Samples from telemetry.history, merged with what was pushed meanwhile. */
  fill(agent: string, samples: readonly TelemetrySample[]): void;
  /** Drops every agent not in `names` (deleted while away). */
  keepOnly(names: ReadonlySet<string>): void;
  forget(agent: string): void;
  clear(): void;
}

export const useTelemetry = create<TelemetryState>()((set, get) => {
  /** Publishes the agents whose rings changed, in one state update. */
  function publish(changed: ReadonlySet<string>): void {
    if (changed.size === 0) return;
    const { latest, versions } = get();
    const nextLatest = { ...latest };
    const nextVersions = { ...versions };
    for (const agent of changed) {
      const ring = rings.get(agent);
      const newest = ring?.latest;
      if (ring && newest) nextLatest[agent] = withKnownFigures(ring.since(newest.at - SHOWN_KNOWN_MS)) ?? newest;
      nextVersions[agent] = (versions[agent] ?? 0) + 1;
    }
    set({ latest: nextLatest, versions: nextVersions });
  }

  function drop(agents: readonly string[]): void {
    if (agents.length === 0) return;
    const latest = { ...get().latest };
    const versions = { ...get().versions };
    for (const agent of agents) {
      rings.delete(agent);
      delete latest[agent];
      delete versions[agent];
    }
    set({ latest, versions });
  }

  return {
    latest: {},
    versions: {},
    receive(batch) {
      const changed = new Set<string>();
      for (const sample of batch.samples) if (ringFor(sample.agent).push(sample)) changed.add(sample.agent);
      publish(changed);
    },
    fill(agent, samples) {
      const own = samples.filter((s) => s.agent === agent);
      if (ringFor(agent).merge(own)) publish(new Set([agent]));
    },
    keepOnly(names) {
      drop([...rings.keys()].filter((agent) => !names.has(agent)));
    },
    forget(agent) {
      drop([agent]);
    },
    clear() {
      rings.clear();
      set({ latest: {}, versions: {} });
    },
  };
});
