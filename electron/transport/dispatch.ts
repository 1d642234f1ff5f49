import type { z } from 'zod';
import { MAX_ARGS_BYTES, isRequestName, requests, type Reply, type RequestName, type Requests, type ResultOf } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import type { CallContext, ClientLink } from '../core/client-link.js';
import { toEnclaveError } from '../core/errors.js';

/** What a backend provides: one function per request, typed from the contract. */
export type Handlers = {
  [K in RequestName]: (args: z.output<Requests[K]['args']>, ctx: CallContext) => Promise<ResultOf<K>>;
};

export interface DispatchOptions {
  /** The calling renderer connection, for requests that attach it to something. */
  client?: ClientLink | null;
  /** The size of the frame that carried the call, when the transport knows it. */
  knownSize?: number;
}

function fail(err: EnclaveError): Reply {
  return { ok: false, error: err.toInfo() };
}

/**
 * Bytes of the JSON form of `value` (byte arrays counted as their length, as they travel raw),
 * or null for what JSON cannot carry (cycles, BigInt).
 */
function jsonSize(value: unknown): number | null {
  try {
    let raw = 0;
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Uint8Array) {
        raw += v.byteLength;
        return null;
      }
      return v;
    });
    return (text === undefined ? 0 : Buffer.byteLength(text)) + raw;
  } catch {
    return null;
  }
}

/**
 * The single entry point of every transport: checks the method exists, the arguments are
 * within size and match the contract's schema, then calls the handler. Never throws.
 */
export async function dispatch(handlers: Handlers, method: unknown, args: unknown, opts: DispatchOptions = {}): Promise<Reply> {
  if (!isRequestName(method)) {
    const shown = typeof method === 'string' ? `"${method.slice(0, 80)}"` : typeof method;
    return fail(new EnclaveError('unknown-method', `Unknown method ${shown}.`));
  }
  const size = opts.knownSize ?? jsonSize(args);
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
    const handler = handlers[method] as (a: unknown, ctx: CallContext) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data, { client: opts.client ?? null }) };
  } catch (err) {
    return fail(toEnclaveError(err));
  }
}
