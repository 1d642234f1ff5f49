import { describe, expect, it } from 'vitest';
import { COPYING_KEY, planCopy, poolsToCheck, type PlanInput, type SourceInstance, type TargetFacts } from './copy-plan.js';

const agent = (over: Partial<SourceInstance> = {}): SourceInstance => ({
  name: 'alpha',
  type: 'container',
  architecture: 'x86_64',
  description: 'an agent',
  ephemeral: false,
  profiles: ['enclave'],
  config: {
    'user.enclave.created-by': 'enclave',
    'user.enclave.template': 'claude',
    'user.enclave.network.mode': 'restricted',
    'limits.memory': '2GiB',
    'volatile.base_image': 'abc123',
    'volatile.eth0.hwaddr': '00:16:3e:00:00:01',
    'volatile.idmap.base': '1000000',
    [COPYING_KEY]: 'stale',
  },
  devices: {
    root: { type: 'disk', path: '/', pool: 'enclave', size: '10GiB' },
    eth0: { type: 'nic', network: 'enclave-restr', name: 'eth0', 'ipv4.address': '10.97.0.5' },
  },
  ...over,
});

const input = (source: SourceInstance, over: Partial<PlanInput> = {}): PlanInput => ({ source, newName: 'alpha', from: 'local', to: 'far', project: 'enclave', ...over });
const facts = (over: Partial<TargetFacts> = {}): TargetFacts => ({
  nameTaken: false,
  profiles: { enclave: { root: { type: 'disk', path: '/', pool: 'tank' } } },
  pools: new Set(['enclave', 'tank']),
  ...over,
});

describe('planCopy', () => {
  it('keeps config and user.enclave.* keys, drops volatile keys but the base image, and the stale copy mark', () => {
    const plan = planCopy(input(agent()), facts());
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.spec.config).toEqual({
      'user.enclave.created-by': 'enclave',
      'user.enclave.template': 'claude',
      'user.enclave.network.mode': 'restricted',
      'limits.memory': '2GiB',
      'volatile.base_image': 'abc123',
    });
    expect(plan.spec.baseImage).toBe('abc123');
    expect(plan.spec).toMatchObject({ name: 'alpha', architecture: 'x86_64', type: 'container', profiles: ['enclave'], stateful: false });
  });

  it('masks the NIC with type none and reports it; keeps the root disk on a pool the target has', () => {
    const plan = planCopy(input(agent()), facts());
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.spec.devices).toEqual({ root: { type: 'disk', path: '/', pool: 'enclave', size: '10GiB' }, eth0: { type: 'none' } });
    expect(plan.leftOut).toEqual([{ device: 'eth0', kind: 'nic', what: 'nic on enclave-restr (10.97.0.5)' }]);
    expect(plan.pool).toBe('enclave');
    expect(plan.notes).toEqual([]);
  });

  it("moves the root disk to the target profile's pool when the target lacks the source's, keeping its size", () => {
    const plan = planCopy(input(agent()), facts({ pools: new Set(['tank']) }));
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.spec.devices.root).toEqual({ type: 'disk', path: '/', pool: 'tank', size: '10GiB' });
    expect(plan.pool).toBe('tank');
    expect(plan.notes[0]).toMatch(/far has no storage pool "enclave".*"tank"/);
  });

  it('leaves out host-path disks, custom volumes and host devices, naming each', () => {
    const source = agent({
      devices: {
        workspace: { type: 'disk', source: '/home/u/project', path: '/workspace', shift: 'true' },
        data: { type: 'disk', pool: 'enclave', source: 'vol1', path: '/data' },
        gpu0: { type: 'gpu' },
        hidden: { type: 'none' },
      },
    });
    const plan = planCopy(input(source), facts());
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.spec.devices).toEqual({ hidden: { type: 'none' } });
    expect(plan.leftOut.map((l) => [l.device, l.kind])).toEqual([
      ['workspace', 'host-disk'],
      ['data', 'volume'],
      ['gpu0', 'device'],
    ]);
    expect(plan.pool).toBe('tank'); // from the target's profile
  });

  it('refuses a taken name, a missing profile, a missing pool and a mounted workspace, each by name', () => {
    expect(planCopy(input(agent()), facts({ nameTaken: true }))).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/far already has .*"alpha"/) });
    expect(planCopy(input(agent()), facts({ profiles: { enclave: null } }))).toMatchObject({ ok: false, code: 'not-found', message: expect.stringMatching(/no profile "enclave" in project enclave/) });
    expect(planCopy(input(agent()), facts({ pools: new Set() }))).toMatchObject({ ok: false, code: 'not-found', message: expect.stringMatching(/no storage pool "enclave"/) });
    const noRoot = agent({ devices: {} });
    expect(planCopy(input(noRoot), facts({ profiles: { enclave: {} } }))).toMatchObject({ ok: false, code: 'not-found', message: expect.stringMatching(/no root disk/) });
    const mounted = agent({ config: { 'user.enclave.workspace.mode': 'mount', 'user.enclave.workspace.source': '/home/u/p' } });
    expect(planCopy(input(mounted), facts())).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/\/home\/u\/p mounted live.*cannot follow/) });
  });

  it('adds the extra config keys', () => {
    const plan = planCopy(input(agent(), { extraConfig: { 'user.enclave.copied-from': 'local:alpha' } }), facts());
    expect(plan.ok && plan.spec.config['user.enclave.copied-from']).toBe('local:alpha');
  });
});

describe('poolsToCheck', () => {
  it("names the source's own root pool and the one the target's profiles give", () => {
    expect(poolsToCheck(agent(), { enclave: { root: { type: 'disk', path: '/', pool: 'tank' } } })).toEqual(['enclave', 'tank']);
    expect(poolsToCheck(agent({ devices: {} }), { enclave: null })).toEqual([]);
  });
});
