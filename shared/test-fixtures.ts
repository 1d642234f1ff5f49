/** Plain contract objects for unit tests on either side; override what a test is about. */
import type { Agent, TelemetrySample } from './types.js';

export function agentFixture(name: string, over: Partial<Agent> = {}): Agent {
  return {
    name,
    server: 'local',
    location: null,
    status: 'Running',
    image: 'enclave-agent',
    createdAt: '2025-01-01T00:00:00Z',
    lastStartedAt: null,
    managed: true,
    description: '',
    meta: {},
    clonedFrom: null,
    snapshotSchedule: { schedule: '', expiry: '' },
    limits: { cpu: '', memory: '', processes: '', disk: '' },
    network: { policy: { mode: 'restricted', allow: [], ingress: '', egress: '' }, bridge: 'enclave-restr', address: '10.0.0.2' },
    isolation: [],
    workspace: null,
    ...over,
  };
}

export function sampleFixture(agent: string, at: number, over: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    agent,
    at,
    cpuHostPercent: 1,
    cpuLimitPercent: null,
    memoryBytes: 1,
    memoryLimitBytes: null,
    processes: 1,
    processesLimit: null,
    diskBytes: null,
    diskLimitBytes: null,
    netRxBytesPerSec: 0,
    netTxBytesPerSec: 0,
    oomKills: 0,
    ...over,
  };
}
