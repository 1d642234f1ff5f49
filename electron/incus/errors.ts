import type { ConnectionProblem } from '../../shared/types.js';

/** An error Incus itself returned: its message and HTTP status, untouched. */
export class IncusError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'IncusError';
    this.status = status;
  }
}

/** The daemon could not be reached at all. */
export class IncusUnreachableError extends Error {
  readonly problem: ConnectionProblem;
  readonly socketPath: string;
  constructor(problem: ConnectionProblem, socketPath: string, message: string) {
    super(message);
    this.name = 'IncusUnreachableError';
    this.problem = problem;
    this.socketPath = socketPath;
  }
}

/** Maps a connect-time failure (an errno code somewhere in the cause chain) to a problem. */
export function classifyConnectError(err: unknown, socketPath: string): IncusUnreachableError | null {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'ENOENT') return new IncusUnreachableError('missing', socketPath, `The Incus socket ${socketPath} does not exist.`);
    if (code === 'EACCES' || code === 'EPERM')
      return new IncusUnreachableError('permission-denied', socketPath, `Permission denied on ${socketPath}.`);
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_SOCKET' || code === 'ENOTSOCK' || code === 'UND_ERR_CLOSED')
      return new IncusUnreachableError('not-responding', socketPath, `Incus is not responding on ${socketPath} (${String(code)}).`);
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}
