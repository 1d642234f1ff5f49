import type { EnclaveApi, EnclaveBridge } from './api.js';
import { EnclaveError } from './errors.js';

/** The typed API over any transport's bridge; errors come back as EnclaveError. */
export function apiFromBridge(bridge: EnclaveBridge): EnclaveApi {
  return {
    async invoke(method, args) {
      const reply = await bridge.call(method, args);
      if (!reply.ok) throw EnclaveError.from(reply.error);
      return reply.result as never;
    },
    on(event, listener) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
}
