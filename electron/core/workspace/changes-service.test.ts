import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { agentFixture } from '../../../shared/test-fixtures.js';
import type { Agent, AgentsChange } from '../../../shared/types.js';
import type { AgentWorkspace } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { ExecLimitError } from '../../incus/exec.js';
import type { ChangesRead } from './changes-reader.js';
import { ChangesService } from './changes-service.js';
import { fingerprintOf, type WorkState } from './work-state.js';

const BASE = 'b'.repeat(40);
const workspace = (over: Partial<AgentWorkspace> = {}): AgentWorkspace => ({ mode: 'copy', source: '/p', kind: 'git', base: BASE, branch: 'enclave/a', readOnly: false, ...over });

/** A service over fake agents, a fake work state and a reader that counts its reads; no command runs. */
function setup() {
  const agents = new Map<string, Agent>([['a', agentFixture('a', { status: 'Running', workspace: workspace() })]]);
  const events = new EventEmitter<{ changed: [AgentsChange] }>();
  const source = { get: async (name: string) => agents.get(name) as Agent, on: (e: 'changed', l: (c: AgentsChange) => void) => events.on(e, l) };
  const client = {} as IncusClient;
  const service = new ChangesService({ requireClient: () => client }, source);
  let tree = 't'.repeat(40);
  const reads: string[] = [];
  let fail: Error | null = null;
  let gate: Promise<void> = Promise.resolve();
  service.workState = async (): Promise<WorkState | 'missing'> => (tree === 'missing' ? 'missing' : { head: BASE, tree, fingerprint: fingerprintOf(BASE, tree) });
  service.reader = async (_c, agent, ws, state): Promise<ChangesRead> => {
    reads.push(state.tree);
    await gate;
    if (fail) throw fail;
    return {
      changes: { agent, state: 'ok', mode: ws.mode, base: ws.base, head: state.head, branch: ws.branch, commits: [], files: [], truncated: false, uncommittedFiles: 0, fingerprint: state.fingerprint, readAt: 0, message: null },
      entries: [],
      counts: new Map(),
    };
  };
  return {
    service,
    agents,
    events,
    reads,
    setTree: (t: string) => (tree = t),
    failWith: (e: Error | null) => (fail = e),
    hold: () => {
      let open = () => undefined as void;
      gate = new Promise((r) => (open = r));
      return open;
    },
  };
}

describe('ChangesService', () => {
  it('answers an unchanged work state from its cache, readAt kept, and reads again when it changes', async () => {
    const t = setup();
    const first = await t.service.changes('a');
    expect(first.readAt).toBeGreaterThan(0);
    expect(await t.service.changes('a')).toBe(first);
    expect(t.reads).toHaveLength(1);
    t.setTree('u'.repeat(40));
    expect((await t.service.changes('a')).fingerprint).not.toBe(first.fingerprint);
    expect(t.reads).toHaveLength(2);
  });

  it('reads again when the workspace itself changed (another base), same work', async () => {
    const t = setup();
    await t.service.changes('a');
    t.agents.set('a', agentFixture('a', { status: 'Running', workspace: workspace({ base: 'c'.repeat(40) }) }));
    await t.service.changes('a');
    expect(t.reads).toHaveLength(2);
  });

  it('calls that want the same read share it', async () => {
    const t = setup();
    const open = t.hold();
    const calls = [t.service.changes('a'), t.service.changes('a'), t.service.changes('a')];
    await new Promise((r) => setTimeout(r, 10));
    open();
    const [x, y, z] = await Promise.all(calls);
    expect(t.reads).toHaveLength(1);
    expect(x).toBe(y);
    expect(y).toBe(z);
  });

  it('a failed read is not kept: the next call reads again', async () => {
    const t = setup();
    t.failWith(new Error('git broke'));
    await expect(t.service.changes('a')).rejects.toThrow('git broke');
    t.failWith(null);
    expect((await t.service.changes('a')).state).toBe('ok');
    expect(t.reads).toHaveLength(2);
  });

  it('forgets an agent that is removed, also one whose read was under way', async () => {
    const t = setup();
    await t.service.changes('a');
    t.events.emit('changed', { kind: 'removed', name: 'a' });
    await t.service.changes('a');
    expect(t.reads).toHaveLength(2);
    // Removed while read: that read is not kept.
    t.setTree('v'.repeat(40));
    const open = t.hold();
    const under = t.service.changes('a');
    await new Promise((r) => setTimeout(r, 10));
    t.events.emit('changed', { kind: 'reset', agents: [] });
    open();
    await under;
    await t.service.changes('a');
    expect(t.reads).toHaveLength(4);
  });

  it('no workspace, stopped, frozen, plain and missing are said without a read', async () => {
    const t = setup();
    t.agents.set('n', agentFixture('n', { status: 'Running', workspace: null }));
    t.agents.set('s', agentFixture('s', { status: 'Stopped', workspace: workspace() }));
    t.agents.set('f', agentFixture('f', { status: 'Frozen', workspace: workspace() }));
    t.agents.set('p', agentFixture('p', { status: 'Running', workspace: workspace({ kind: 'plain', base: null }) }));
    expect(await t.service.changes('n')).toMatchObject({ state: 'no-workspace', mode: null, files: [] });
    expect(await t.service.changes('s')).toMatchObject({ state: 'stopped', base: BASE, message: 's is not running: its changes are read from inside it, so start it to see them.' });
    expect((await t.service.changes('f')).message).toMatch(/^f is frozen/);
    expect(await t.service.changes('p')).toMatchObject({ state: 'plain', mode: 'copy' });
    t.setTree('missing');
    expect(await t.service.changes('a')).toMatchObject({ state: 'missing', message: '/workspace or its git repository is gone from a: nothing can be brought back.' });
    expect(t.reads).toHaveLength(0);
    await expect(t.service.fileDiff({ agent: 'a', id: 'YQ==' })).rejects.toThrow(/gone from a/);
  });

  it('a work state past its bounds is said in Enclave\'s words', async () => {
    const t = setup();
    t.service.workState = () => Promise.reject(new ExecLimitError('output', 'sh printed more than 4 KiB and was stopped', Buffer.alloc(0), Buffer.alloc(0), true));
    await expect(t.service.changes('a')).rejects.toThrow('Reading the work in a failed: its git printed far more than a commit and a tree and was stopped.');
  });

  it('refuses a path id that is not one, and comparing an agent with itself', async () => {
    const t = setup();
    await expect(t.service.fileDiff({ agent: 'a', id: 'YR==' })).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(t.service.compare({ a: 'a', b: 'a' })).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(t.service.fileDiff({ agent: 'a', id: 'YQ==', against: 'a' })).rejects.toMatchObject({ code: 'invalid-arguments' });
  });
});
