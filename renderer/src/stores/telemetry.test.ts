import { beforeEach, describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { sampleFixture } from '../../../shared/test-fixtures.js';
import { telemetryRing, useTelemetry } from './telemetry.js';

function sample(agent: string, at: number, cpu = 1): TelemetrySample {
  return sampleFixture(agent, at, { cpuHostPercent: cpu });
}

describe('telemetry store', () => {
  beforeEach(() => useTelemetry.getState().clear());

  it('keeps each agent newest sample and bumps only the versions of agents that changed', () => {
    const store = useTelemetry.getState();
    store.receive({ samples: [sample('a', 1000, 10), sample('b', 1000, 20)] });
    store.receive({ samples: [sample('a', 3000, 30)] });
    const state = useTelemetry.getState();
    expect(state.latest.a?.cpuHostPercent).toBe(30);
    expect(state.latest.b?.cpuHostPercent).toBe(20);
    expect(state.versions).toEqual({ a: 2, b: 1 });
    expect(telemetryRing('a')?.toArray().map((s) => s.at)).toEqual([1000, 3000]);
  });

  it('does not publish a batch that changes nothing', () => {
    useTelemetry.getState().receive({ samples: [sample('a', 1000)] });
    const before = useTelemetry.getState();
    useTelemetry.getState().receive({ samples: [sample('a', 1000)] });
    expect(useTelemetry.getState()).toBe(before);
  });

  it('fills from history without overtaking newer pushed samples', () => {
    useTelemetry.getState().receive({ samples: [sample('a', 5000, 50)] });
    useTelemetry.getState().fill('a', [sample('a', 1000), sample('a', 2000), sample('a', 5000, 0), sample('b', 3000)]);
    expect(telemetryRing('a')?.toArray().map((s) => s.at)).toEqual([1000, 2000, 5000]);
    expect(useTelemetry.getState().latest.a?.cpuHostPercent).toBe(50);
    expect(telemetryRing('b')).toBeUndefined();
  });

  it('forgets agents that are gone', () => {
    useTelemetry.getState().receive({ samples: [sample('a', 1000), sample('b', 1000), sample('c', 1000)] });
    useTelemetry.getState().forget('c');
    useTelemetry.getState().keepOnly(new Set(['a']));
    expect(Object.keys(useTelemetry.getState().latest)).toEqual(['a']);
    expect(telemetryRing('b')).toBeUndefined();
    expect(telemetryRing('c')).toBeUndefined();
  });
});
