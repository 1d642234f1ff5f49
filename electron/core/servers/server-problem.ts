/**
 * An error about one server, carrying which ConnectionProblem it is, so the caller can show
 * it on that server's entry (ServerInfo.status) as well as answer the request with it.
 */
import { EnclaveError } from '../../../shared/errors.js';
import type { ConnectionProblem, ErrorCode } from '../../../shared/types.js';

const CODES: Record<ConnectionProblem, ErrorCode> = {
  missing: 'unavailable',
  'permission-denied': 'unavailable',
  'not-responding': 'unavailable',
  unreachable: 'unavailable',
  'not-incus': 'unavailable',
  untrusted: 'unavailable',
  'certificate-changed': 'conflict',
  config: 'invalid-arguments',
  error: 'incus',
};

export class ServerProblem extends EnclaveError {
  readonly problem: ConnectionProblem;

  constructor(problem: ConnectionProblem, message: string, code: ErrorCode = CODES[problem], status?: number) {
    super(code, message, status);
    this.problem = problem;
  }
}
