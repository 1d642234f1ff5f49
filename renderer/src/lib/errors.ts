import type { ErrorCode } from '../../../shared/types.js';
import { EnclaveError } from '../../../shared/errors.js';

/** The text to show for a failed call: EnclaveError messages are Incus's own words. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True when a call failed with this contract error code (e.g. 'not-found'). */
export function isEnclaveErrorCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof EnclaveError && error.code === code;
}
