import { describe, expect, it } from 'vitest';
import type { Instance } from '../incus/instances.js';
import { cloneSourceOf, cloneSourceText, instanceFromSource, toAgent } from './agent-model.js';

function instance(over: Partial<Instance> = {}): Instance {
  return {
    name: 'coder',
    status: 'Running',
    status_code: 103,
    type: 'container',
    description: 'my agent',
    created_at: '2025-03-01T10:00:00.123456789Z',
    last_used_at: '2025-03-02T11:00:00.5Z',
    config: {},
    devices: {},
    profiles: ['default'],
    project: 'enclave',
    ephemeral: false,
    stateful: false,
    ...over,
  };
}

describe('toAgent', () => {
  it('copies the plain fields', () => {
    const a = toAgent(instance());
    expect(a).toMatchObject({
      name: 'coder',
      status: 'Running',
      createdAt: '2025-03-01T10:00:00.123456789Z',
      lastStartedAt: '2025-03-02T11:00:00.5Z',
      description: 'my agent',
    });
  });

  it('reports a never-started instance (zero last_used_at) as null', () => {
    expect(toAgent(instance({ last_used_at: '0001-01-01T00:00:00Z' })).lastStartedAt).toBeNull();
    // What Incus 6.0.4 actually reports for a never-started instance.
    expect(toAgent(instance({ last_used_at: '1970-01-01T00:00:00Z' })).lastStartedAt).toBeNull();
    expect(toAgent(instance({ last_used_at: 'not a time' })).lastStartedAt).toBeNull();
    expect(toAgent(instance({ last_used_at: '' })).lastStartedAt).toBeNull();
    expect(toAgent(instance({ last_used_at: undefined as unknown as string })).lastStartedAt).toBeNull();
  });

  it('keeps known statuses and maps others to Unknown', () => {
    for (const s of ['Running', 'Stopped', 'Frozen', 'Error', 'Starting', 'Stopping', 'Freezing']) {
      expect(toAgent(instance({ status: s })).status).toBe(s);
    }
    expect(toAgent(instance({ status: 'Ready' })).status).toBe('Unknown');
    expect(toAgent(instance({ status: '' })).status).toBe('Unknown');
  });

  it('is managed exactly when it carries user.enclave.* keys, exposed without the prefix', () => {
    const managed = toAgent(
      instance({
        config: {
          'user.enclave.created-by': 'enclave',
          'user.enclave.image': 'enclave-agent',
          'user.other': 'x',
          'limits.cpu': '2',
          'volatile.base_image': 'abc',
        },
      }),
    );
    expect(managed.managed).toBe(true);
    expect(managed.meta).toEqual({ 'created-by': 'enclave', image: 'enclave-agent' });

    const foreign = toAgent(instance({ config: { 'user.enclavex': '1', 'user.enclave': 'y', 'user.other': 'x' } }));
    expect(foreign.managed).toBe(false);
    expect(foreign.meta).toEqual({});
  });

  it('tolerates a missing config and description', () => {
    const a = toAgent(instance({ config: undefined as unknown as Record<string, string>, description: undefined as unknown as string }));
    expect(a).toMatchObject({ managed: false, meta: {}, image: 'unknown', description: '' });
  });

  describe('image label', () => {
    const label = (config: Record<string, string>) => toAgent(instance({ config })).image;
    const all = {
      'user.enclave.image': 'enclave-agent',
      'image.description': 'Debian bookworm amd64',
      'image.os': 'Debian',
      'image.release': 'bookworm',
      'image.variant': 'minbase',
      'volatile.base_image': '2c6824f8db50aabbccddeeff00112233',
    };

    it('prefers the image Enclave recorded', () => {
      expect(label(all)).toBe('enclave-agent');
    });

    it('falls back to the image description', () => {
      const { 'user.enclave.image': _, ...rest } = all;
      expect(label(rest)).toBe('Debian bookworm amd64');
    });

    it('then to os, release and variant, skipping missing parts', () => {
      expect(label({ 'image.os': 'Debian', 'image.release': 'bookworm', 'image.variant': 'minbase' })).toBe(
        'Debian bookworm minbase',
      );
      expect(label({ 'image.os': 'Alpine', 'image.variant': 'cloud' })).toBe('Alpine cloud');
      expect(label({ 'image.release': '3.20' })).toBe('3.20');
    });

    it('then to the short base image fingerprint', () => {
      expect(label({ 'volatile.base_image': '2c6824f8db50aabbccddeeff00112233' })).toBe('2c6824f8db50');
    });

    it('and finally to unknown', () => {
      expect(label({})).toBe('unknown');
      expect(label({ 'user.enclave.image': '', 'image.description': '' })).toBe('unknown');
    });
  });
});

describe('clone sources', () => {
  it('reads user.enclave.cloned-from once, into agent and snapshot', () => {
    expect(toAgent(instance({ config: { 'user.enclave.cloned-from': 'web/snap-1' } })).clonedFrom).toEqual({ agent: 'web', snapshot: 'snap-1' });
    expect(toAgent(instance({ config: { 'user.enclave.cloned-from': 'web' } })).clonedFrom).toEqual({ agent: 'web', snapshot: null });
    expect(toAgent(instance()).clonedFrom).toBeNull();
  });

  it('knows no source in a hand-edited value', () => {
    for (const v of [undefined, '', '/snap', 'web/', 'a/b/c', 'we b', ' web']) expect(cloneSourceOf(v)).toBeNull();
  });

  it('writes what it reads', () => {
    for (const s of [{ agent: 'web', snapshot: 'snap-1' }, { agent: 'web', snapshot: null }]) expect(cloneSourceOf(cloneSourceText(s))).toEqual(s);
  });
});

describe('instanceFromSource', () => {
  it('reads a plain instance path', () => {
    expect(instanceFromSource('/1.0/instances/coder')).toEqual({ name: 'coder', rest: '' });
  });

  it('ignores the ?project= query', () => {
    expect(instanceFromSource('/1.0/instances/coder?project=enclave')).toEqual({ name: 'coder', rest: '' });
  });

  it('reports sub-paths such as snapshots', () => {
    expect(instanceFromSource('/1.0/instances/coder/snapshots/snap0')).toEqual({ name: 'coder', rest: '/snapshots/snap0' });
    expect(instanceFromSource('/1.0/instances/coder/snapshots/snap0?project=enclave')).toEqual({
      name: 'coder',
      rest: '/snapshots/snap0',
    });
    expect(instanceFromSource('/1.0/instances/coder/backups/b1')).toEqual({ name: 'coder', rest: '/backups/b1' });
  });

  it('decodes escaped names', () => {
    expect(instanceFromSource('/1.0/instances/my%2Dagent')).toEqual({ name: 'my-agent', rest: '' });
  });

  it('returns null for other sources', () => {
    for (const s of ['', '/1.0/instances', '/1.0/instances/', '/1.0/images/abc', '/1.0/operations/x', '/1.0/storage-pools/p']) {
      expect(instanceFromSource(s)).toBeNull();
    }
  });
});
