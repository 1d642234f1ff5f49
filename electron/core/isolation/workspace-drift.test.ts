import { describe, expect, it } from 'vitest';
import { workspaceMeta } from '../workspace/meta.js';
import { workspaceDisk } from '../workspace/mount-devices.js';
import { isolationProblems, type DriftInput } from './drift.js';
import { isolationFix } from './fix.js';
import { profileConfig } from './profile-spec.js';
import { projectRestrictions, restrictionConflicts } from './restrictions.js';

type Devices = Record<string, Record<string, string>>;
const ROOT = { type: 'disk', path: '/', pool: 'enclave' };
const SOURCE = '/home/ann/shop';

function mountMeta(readOnly = false): Record<string, string> {
  const meta = workspaceMeta({ mode: 'mount', source: SOURCE, kind: 'git', base: null, branch: 'main', readOnly });
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [`user.enclave.${k}`, v]));
}

/** Enclave's devices for a git folder with hooks, config and info. */
function ownDevices(readOnly = false): Devices {
  if (readOnly) return { workspace: workspaceDisk(SOURCE, '', true) };
  return {
    workspace: workspaceDisk(SOURCE, '', false),
    'workspace-git': workspaceDisk(SOURCE, '.git', false),
    'workspace-git-hooks': workspaceDisk(SOURCE, '.git/hooks', true),
    'workspace-git-config': workspaceDisk(SOURCE, '.git/config', true),
    'workspace-git-info': workspaceDisk(SOURCE, '.git/info', true),
    'workspace-hooks-path': workspaceDisk(SOURCE, '.husky/_', true),
  };
}

function agent(devices: Devices, config: Record<string, string> = mountMeta()): DriftInput {
  const own = { 'user.enclave.created-by': 'enclave', ...config };
  return { config: own, devices, profiles: ['enclave'], expanded_config: { ...profileConfig(), ...own }, expanded_devices: { root: ROOT, ...devices } };
}

describe('drift of a mounted workspace', () => {
  it("does not flag Enclave's own workspace devices", () => {
    expect(isolationProblems(agent(ownDevices()))).toEqual([]);
    expect(isolationProblems(agent(ownDevices(true), mountMeta(true)))).toEqual([]);
  });

  it('flags a protected path whose readonly was removed, and the fix restores it', () => {
    const devices = ownDevices();
    const { readonly: _, ...writable } = devices['workspace-git-hooks']!;
    const inst = agent({ ...devices, 'workspace-git-hooks': writable });
    const problems = isolationProblems(inst);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'host-disk', item: 'workspace-git-hooks', value: `${SOURCE}/.git/hooks at /workspace/.git/hooks, writable` });
    expect(problems[0]!.fix).toMatch(/restores the workspace mount .*read-only/);
    const fix = isolationFix(inst);
    expect(fix.restoresWorkspace).toBe(true);
    expect(fix.devices['workspace-git-hooks']).toEqual(devices['workspace-git-hooks']);
    expect(fix.devices.workspace).toEqual(devices.workspace);
  });

  it('flags readonly=false spelled out, and a read-only workspace made writable', () => {
    const devices = ownDevices();
    expect(isolationProblems(agent({ ...devices, 'workspace-git-config': { ...devices['workspace-git-config']!, readonly: 'false' } }))).toHaveLength(1);
    const ro = ownDevices(true);
    const problems = isolationProblems(agent({ workspace: { ...ro.workspace!, readonly: 'no' } }, mountMeta(true)));
    expect(problems.map((p) => p.item)).toEqual(['workspace']);
  });

  it('flags a workspace device whose source differs from the meta, and restores the source', () => {
    const devices = ownDevices();
    const inst = agent({ ...devices, workspace: { ...devices.workspace!, source: '/etc' } });
    expect(isolationProblems(inst).map((p) => p.item)).toEqual(['workspace']);
    expect(isolationFix(inst).devices.workspace!.source).toBe(SOURCE);
  });

  it('flags an added key (shift off, a propagation) as tampering', () => {
    const devices = ownDevices();
    expect(isolationProblems(agent({ ...devices, 'workspace-git': { ...devices['workspace-git']!, shift: 'false' } })).map((p) => p.item)).toEqual(['workspace-git']);
    expect(isolationProblems(agent({ ...devices, 'workspace-git-info': { ...devices['workspace-git-info']!, propagation: 'shared' } })).map((p) => p.item)).toEqual(['workspace-git-info']);
  });

  it('still removes a host disk that is none of the workspace devices', () => {
    const inst = agent({ ...ownDevices(), extra: { type: 'disk', source: '/home/ann', path: '/mnt' } });
    expect(isolationProblems(inst)).toEqual([{ kind: 'host-disk', item: 'extra', value: '/home/ann', fix: 'removes the host-path disk', needsRestart: false }]);
    const fix = isolationFix(inst);
    expect(fix.devices.extra).toBeUndefined();
    expect(fix.restoresWorkspace).toBe(false);
  });

  it('flags workspace-named devices on an agent without a mount workspace', () => {
    const inst = agent(ownDevices(), {});
    expect(isolationProblems(inst).map((p) => p.item).sort()).toEqual(Object.keys(ownDevices()).sort());
    expect(isolationFix(inst).devices).toEqual({});
  });

  it('a hooks-path device outside /workspace is not Enclave’s', () => {
    const inst = agent({ ...ownDevices(), 'workspace-hooks-path': { ...workspaceDisk(SOURCE, 'x', true), path: '/workspace/../etc' } });
    expect(isolationProblems(inst).map((p) => p.fix)).toEqual(['removes the host-path disk']);
  });
});

describe('project restrictions with mounted folders', () => {
  it('allows host-path disks exactly while a folder is mounted', () => {
    expect(projectRestrictions(['b'])['restricted.devices.disk']).toBe('managed');
    expect(projectRestrictions(['b'], true)['restricted.devices.disk']).toBe('allow');
  });

  it("does not count Enclave's workspace devices as conflicts, a foreign host disk still", () => {
    const own = { name: 'a', ...agent(ownDevices()) };
    expect(restrictionConflicts([own], [], ['b'])).toEqual([]);
    const foreign = { name: 'b', ...agent({ ...ownDevices(), data: { type: 'disk', source: '/srv', path: '/srv' } }) };
    expect(restrictionConflicts([foreign], [], ['b'])).toEqual(['agent "b" has a host-path disk "data" (/srv)']);
  });
});
