import type { ErrorCode, ErrorInfo } from './types.js';

/** The one error type that crosses the contract; both transports carry it as ErrorInfo. */
export class EnclaveError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'EnclaveError';
    this.code = code;
    this.status = status;
  }

  toInfo(): ErrorInfo {
    return this.status === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, status: this.status };
  }

  static from(info: ErrorInfo): EnclaveError {
    return new EnclaveError(info.code, info.message, info.status);
  }
}
