import { EnclaveError } from '../../shared/errors.js';
import { IncusError, IncusUnreachableError } from '../incus/errors.js';

/** Turns whatever a service threw into the contract's error, keeping Incus's own words. */
export function toEnclaveError(err: unknown): EnclaveError {
  if (err instanceof EnclaveError) return err;
  if (err instanceof IncusError) {
    const code = err.status === 404 ? 'not-found' : err.status === 409 ? 'conflict' : 'incus';
    return new EnclaveError(code, err.message, err.status);
  }
  if (err instanceof IncusUnreachableError) return new EnclaveError('unavailable', err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new EnclaveError('internal', message);
}
