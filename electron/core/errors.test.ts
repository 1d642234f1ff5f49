import { describe, expect, it } from 'vitest';
import { IncusError } from '../incus/errors.js';
import { poolFullHint, toEnclaveError } from './errors.js';

describe('toEnclaveError', () => {
  it('says what a full pool means before Incus words it', () => {
    const err = toEnclaveError(new IncusError('write /var/lib/incus/containers/p_a/backup.yaml: no space left on device', 500));
    expect(err.code).toBe('incus');
    expect(err.message).toMatch(/^The storage pool is full: free space on it .* Incus said: write .*no space left on device$/);
  });

  it('keeps other messages as Incus wrote them', () => {
    expect(poolFullHint('Instance not found')).toBe('Instance not found');
    expect(toEnclaveError(new IncusError('Instance not found', 404))).toMatchObject({ code: 'not-found', message: 'Instance not found' });
  });
});
