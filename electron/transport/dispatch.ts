import type { z } from 'zod';
import { MAX_ARGS_BYTES, isRequestName, requests, type Reply, type RequestName, type Requests, type ResultOf } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import { toEnclaveError } from '../core/errors.js';

/** What a backend provides: one function per request, typed from the contract. */
export type Handlers = {
  [K in RequestName]: (args: z.output<Requests[K]['args']>) => Promise<ResultOf<K>>;
};

function fail(err: EnclaveError): Reply {
  return { ok: false, error: err.toInfo() };
}

/** Bytes of the JSON form of `value`, or null for what JSON cannot carry (cycles, BigInt). */
function jsonSize(value: unknown): number | null {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : Buffer.byteLength(text);
  } catch {
    return null;
  }
}

/**
 * The single entry point of every transport: checks the method exists, the arguments are
 * within size and match the contract's schema, then calls the handler. Never throws.
 */
export async function dispatch(handlers: Handlers, method: unknown, args: unknown, knownSize?: number): Promise<Reply> {
  if (!isRequestName(method)) {
    const shown = typeof method === 'string' ? `"${method.slice(0, 80)}"` : typeof method;
    return fail(new EnclaveError('unknown-method', `Unknown method ${shown}.`));
  }
  const size = knownSize ?? jsonSize(args);
  if (size === null) {
    return fail(new EnclaveError('invalid-arguments', `Arguments of ${method} cannot be written as JSON.`));
  }
  if (size > MAX_ARGS_BYTES) {
    return fail(new EnclaveError('too-large', `Arguments of ${method} are ${size} bytes; the limit is ${MAX_ARGS_BYTES}.`));
  }
  const parsed = requests[method].args.safeParse(args ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    return fail(new EnclaveError('invalid-arguments', `Invalid arguments for ${method}: ${detail}`));
  }
  try {
    const handler = handlers[method] as (a: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (err) {
    return fail(toEnclaveError(err));
  }
}
