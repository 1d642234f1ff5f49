import { EnclaveError } from '../../shared/errors.js';
import { IncusError, IncusUnreachableError } from '../incus/errors.js';

/** Turns whatever a service threw into the contract's error, keeping Incus's own words. */
export function toEnclaveError(err: unknown): EnclaveError {
  if (err instanceof EnclaveError) return err;
  if (err instanceof IncusError) {
    const code = err.status === 404 ? 'not-found' : err.status === 409 ? 'conflict' : 'incus';
    return new EnclaveError(code, poolFullHint(err.message), err.status);
  }
  if (err instanceof IncusUnreachableError) return new EnclaveError('unavailable', err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new EnclaveError('internal', message);
}

/**
 * Incus reports a full storage pool as a failed write with a host path ("write …/backup.yaml:
 * no space left on device"): say what it means and what helps first, Incus's words after.
 */
export function poolFullHint(message: string): string {
  if (!/no space left on device/i.test(message)) return message;
  return `The storage pool is full: free space on it (delete agents or snapshots) or grow it (incus storage set POOL size=…). Incus said: ${message}`;
}
