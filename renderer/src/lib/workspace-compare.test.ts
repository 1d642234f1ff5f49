import { describe, expect, it } from 'vitest';
import type { AgentWorkspace } from '../../../shared/workspace.js';
import { compareCandidates, compareGroup, compareSummary } from './workspace-compare.js';

const ws = (base: string | null, over: Partial<AgentWorkspace> = {}): AgentWorkspace => ({ mode: 'copy', source: '/p', kind: 'git', base, branch: null, readOnly: false, ...over });

describe('comparing agents', () => {
  it('offers other agents with a git workspace on the same base', () => {
    const me = { name: 'a', workspace: ws('1'.repeat(40)) };
    const agents = [
      me,
      { name: 'c', workspace: ws('1'.repeat(40)) },
      { name: 'b', workspace: ws('1'.repeat(40), { mode: 'mount' }) },
      { name: 'd', workspace: ws('2'.repeat(40)) },
      { name: 'e', workspace: null },
      { name: 'f', workspace: ws(null, { kind: 'plain' }) },
    ];
    expect(compareCandidates(me, agents)).toEqual(['b', 'c']);
    expect(compareCandidates({ name: 'f', workspace: ws(null, { kind: 'plain' }) }, agents)).toEqual([]);
  });

  it('groups files by who changed them', () => {
    expect(compareGroup({ inA: 'added', inB: null, same: false })).toBe('only-a');
    expect(compareGroup({ inA: null, inB: 'deleted', same: false })).toBe('only-b');
    expect(compareGroup({ inA: 'modified', inB: 'modified', same: true })).toBe('both-same');
    expect(compareGroup({ inA: 'modified', inB: 'modified', same: false })).toBe('both-differ');
    expect(compareSummary([{ inA: 'added', inB: null, same: false }], 'a', 'b')).toBe(
      '1 only in a · 0 only in b · 0 changed by both, differently · 0 changed by both, the same',
    );
  });
});
