import type { Dispatcher } from 'undici';
import type { IncusClient, RequestOptions } from './client.js';
import { IncusError } from './errors.js';

export interface Operation<M = Record<string, unknown>> {
  id: string;
  class: 'task' | 'websocket' | 'token';
  description: string;
  status: string;
  status_code: number;
  metadata: M | null;
  may_cancel: boolean;
  err: string;
  resources: Record<string, string[]> | null;
}

export const OPERATION_SUCCESS = 200;
export const OPERATION_FAILURE = 400;
export const OPERATION_CANCELLED = 401;

export function operationId(path: string): string {
  const m = path.match(/\/1\.0\/operations\/([^/?]+)/);
  if (!m?.[1]) throw new Error(`not an operation path: ${path}`);
  return m[1];
}

/**
 * Waits for an operation to end. Incus holds the wait request's reply until then, or until the
 * wait's own timeout: it is asked in slices (half the client's request timeout each), so a
 * daemon that stalls without closing the socket fails the wait with a timeout instead of
 * hanging it forever; a slice that ends with the operation still running asks again. Failure
 * arrives as status_code 400 with `err`, not as an HTTP error. `timeoutSec` < 0: no limit.
 */
/** The error Incus gives a wait whose `timeout` passed with the operation still running. */
function isWaitTimeout(err: unknown): boolean {
  return err instanceof IncusError && err.status === 500 && /context deadline exceeded/.test(err.message);
}

export async function waitOperation<M>(client: IncusClient, pathOrId: string, timeoutSec = -1): Promise<Operation<M>> {
  const id = pathOrId.includes('/') ? operationId(pathOrId) : pathOrId;
  const slice = Math.max(1, Math.floor(client.timeoutMs / 2000));
  const deadline = timeoutSec < 0 ? Infinity : Date.now() + timeoutSec * 1000;
  for (;;) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    const wait = Math.max(0, Math.min(slice, left));
    let op: Operation<M>;
    try {
      op = await client.get<Operation<M>>(`/1.0/operations/${id}/wait`, {
        query: { timeout: String(wait) },
        timeoutMs: client.timeoutMs + wait * 1000,
      });
    } catch (err) {
      // Incus 6.0 answers a wait whose own timeout passed with an error, not the running
      // operation: that is a slice ending, not the operation failing.
      if (!isWaitTimeout(err) || Date.now() >= deadline) throw err;
      continue;
    }
    if (op.status_code === OPERATION_FAILURE || op.status_code === OPERATION_CANCELLED) {
      throw new IncusError(op.err || `operation ${op.description} ${op.status}`, op.status_code);
    }
    if (op.status_code === OPERATION_SUCCESS || Date.now() >= deadline) return op;
  }
}

export async function cancelOperation(client: IncusClient, id: string, timeoutMs?: number): Promise<void> {
  await client.call('DELETE', `/1.0/operations/${id}`, timeoutMs === undefined ? {} : { timeoutMs });
}

/**
 * Sends a request that may answer with an operation and returns once the work is done.
 * `onStarted` receives the operation id as soon as Incus accepts the request, so callers can
 * match progress events to it.
 */
export async function mutate<M = unknown>(
  client: IncusClient,
  method: Dispatcher.HttpMethod,
  path: string,
  opts: RequestOptions & { onStarted?: (operationId: string) => void } = {},
): Promise<Operation<M> | null> {
  const { envelope } = await client.call<Operation<M>>(method, path, opts);
  if (envelope.type !== 'async' || !envelope.operation) return null;
  const id = operationId(envelope.operation);
  opts.onStarted?.(id);
  return waitOperation<M>(client, id);
}
