import type { Instance } from '../incus/instances.js';

/** An Incus instance as Enclave made it, for unit tests of what reads instances. */
export function instanceFixture(name: string, over: Partial<Instance> = {}): Instance {
  return {
    name,
    status: 'Running',
    status_code: 103,
    type: 'container',
    description: '',
    created_at: '2025-01-01T00:00:00Z',
    last_used_at: '1970-01-01T00:00:00Z',
    config: { 'user.enclave.created-by': 'enclave' },
    devices: {},
    profiles: [],
    project: 'p',
    ephemeral: false,
    stateful: false,
    ...over,
  };
}
