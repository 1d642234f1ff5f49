import { describe, expect, it } from 'vitest';
import { agentFixture, sampleFixture } from '../../../shared/test-fixtures.js';
import { Qualifier, qualifyEvent, qualifyResult } from './qualify.js';

const lab = new Qualifier('lab');
const local = new Qualifier('local');

describe('Qualifier', () => {
  it("makes an agent of another server a ref, with its server and its clone source's ref", () => {
    const a = lab.agent(agentFixture('worker', { clonedFrom: { agent: 'base', snapshot: 's1' } }));
    expect(a).toMatchObject({ name: 'lab:worker', server: 'lab', clonedFrom: { agent: 'lab:base', snapshot: 's1' } });
  });

  it('leaves local names bare', () => {
    expect(local.agent(agentFixture('worker')).name).toBe('worker');
    expect(local.ref('worker')).toBe('worker');
  });

  it('qualifies names inside events: removals, snapshots, samples, progress', () => {
    expect(qualifyEvent(lab, 'agents.changed', { kind: 'removed', name: 'w' })).toEqual({ kind: 'removed', name: 'lab:w' });
    expect(qualifyEvent(lab, 'agents.changed', { kind: 'reset', agents: [agentFixture('w')] })).toMatchObject({ agents: [{ name: 'lab:w' }] });
    const snap = { agent: 'w', name: 's', kind: 'manual' as const, createdAt: '', expiresAt: null, comment: '', sizeBytes: null, restoredTo: null };
    expect(qualifyEvent(lab, 'snapshots.changed', { agent: 'w', snapshots: [snap] })).toMatchObject({ agent: 'lab:w', snapshots: [{ agent: 'lab:w', name: 's' }] });
    expect(qualifyEvent(lab, 'telemetry.samples', { samples: [sampleFixture('w', 1)] }).samples[0]?.agent).toBe('lab:w');
    expect(qualifyEvent(lab, 'agents.progress', { name: 'w', stage: 'creating', detail: '' }).name).toBe('lab:w');
  });

  it('qualifies results that hold agents or names', () => {
    const restored = qualifyResult(lab, 'snapshots.restore', {
      agent: agentFixture('w'),
      safety: { agent: 'w', name: 'safety', kind: 'safety', createdAt: '', expiresAt: null, comment: '', sizeBytes: null, restoredTo: 's' },
    });
    expect([restored.agent.name, restored.safety.agent]).toEqual(['lab:w', 'lab:w']);
    expect(qualifyResult(lab, 'agents.delete', { name: 'w' })).toEqual({ name: 'lab:w' });
  });
});
