import { describe, expect, it } from 'vitest';
import type { Image } from '../../incus/images.js';
import { deleteRefusal, imageUsage, toImageInfos, type InstanceRef } from './usage.js';

const inst = (name: string, project: string, fp?: string): InstanceRef => ({ name, project, config: fp ? { 'volatile.base_image': fp } : {} });
const img = (fingerprint: string, props: Record<string, string> = {}, type: Image['type'] = 'container', uploaded = '2026-01-01T00:00:00Z'): Image => ({
  fingerprint,
  aliases: [{ name: `a-${fingerprint}`, description: '' }],
  architecture: 'x86_64',
  size: 10,
  uploaded_at: uploaded,
  properties: props,
  public: false,
  type,
});

describe('image usage', () => {
  it("counts the agents of Enclave's project by name and other projects' instances apart", () => {
    const u = imageUsage([inst('b', 'enclave', 'f1'), inst('a', 'enclave', 'f1'), inst('x', 'other', 'f1'), inst('c', 'enclave', 'f2'), inst('d', 'enclave')], 'enclave');
    expect(u.get('f1')).toEqual({ agents: ['a', 'b'], elsewhere: ['other/x'] });
    expect(u.get('f2')).toEqual({ agents: ['c'], elsewhere: [] });
    expect(u.size).toBe(2);
  });

  it('lists container images newest first with their version and users', () => {
    const u = imageUsage([inst('a', 'enclave', 'f1')], 'enclave');
    const list = toImageInfos([img('f1', { 'user.enclave.image-version': '2' }, 'container', '2026-01-01T00:00:00Z'), img('f2', {}, 'container', '2026-02-01T00:00:00Z'), img('vm', {}, 'virtual-machine')], u);
    expect(list.map((i) => i.fingerprint)).toEqual(['f2', 'f1']);
    expect(list[1]).toMatchObject({ version: '2', usedBy: ['a'], usedElsewhere: 0 });
    expect(list[0]).toMatchObject({ version: null, usedBy: [] });
  });

  it('refuses a delete naming the agents, and allows one when nothing uses the image', () => {
    expect(deleteRefusal({ aliases: ['img'], fingerprint: 'f1' }, undefined)).toBeNull();
    expect(deleteRefusal({ aliases: ['img'], fingerprint: 'f1' }, { agents: ['claude-1'], elsewhere: [] })).toBe('The image img is in use by the agent claude-1. Delete it first.');
    expect(deleteRefusal({ aliases: [], fingerprint: 'abcdef0123456789' }, { agents: ['a', 'b'], elsewhere: ['p/x'] })).toBe(
      'The image abcdef012345 is in use by the agents a, b and 1 instance of other projects (p/x). Delete them first.',
    );
  });
});
