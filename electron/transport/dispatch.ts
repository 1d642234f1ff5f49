import { MAX_ARGS_BYTES, MAX_TERMINAL_INPUT_BYTES, isRequestName, requests, type Reply } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import type { CallContext, Handlers } from '../../shared/handlers.js';
import type { ClientLink } from '../core/client-link.js';
import { toEnclaveError } from '../core/errors.js';

export interface DispatchOptions {
  /** The calling renderer connection, for requests that attach it to something. */
  client?: ClientLink | null;
  /**
   * The size of the call's structured part (its JSON, without raw bytes), when the transport
   * already measured it.
   */
  knownSize?: number;
}

function fail(err: EnclaveError): Reply {
  return { ok: false, error: err.toInfo() };
}

/**
 * Bytes of the JSON form of `value` and, apart, of the byte arrays in it (they travel raw).
 * Each has its own limit: counting the bytes against the JSON limit refused every full-size
 * piece of a paste. Null for what JSON cannot carry.
 */
function measure(value: unknown): { json: number; raw: number } | null {
  try {
    let raw = 0;
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (!(v instanceof Uint8Array)) return v;
      raw += v.byteLength;
      return null;
    });
    return { json: text === undefined ? 0 : Buffer.byteLength(text), raw };
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
  const size = opts.knownSize !== undefined ? { json: opts.knownSize, raw: 0 } : measure(args);
  if (size === null) {
    return fail(new EnclaveError('invalid-arguments', `Arguments of ${method} cannot be written as JSON.`));
  }
  if (size.json > MAX_ARGS_BYTES) {
    return fail(new EnclaveError('too-large', `Arguments of ${method} are ${size.json} bytes; the limit is ${MAX_ARGS_BYTES}.`));
  }
  if (size.raw > MAX_TERMINAL_INPUT_BYTES) {
    return fail(new EnclaveError('too-large', `${method} carries ${size.raw} bytes; the limit is ${MAX_TERMINAL_INPUT_BYTES} per call.`));
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
