/**
 * Integration-test support: how a Backend reaches a SpareIncusd as a remote server. Over its
 * unix socket until the HTTPS transport is wired; the tests that use it do not care which.
 */
import type { ConnectionOptions } from '../core/connection.js';
import type { ServerMeta } from '../core/servers/registry.js';
import type { SpareIncusd } from './spare-incusd.js';

export async function remoteConnection(spare: SpareIncusd): Promise<[ServerMeta, Partial<ConnectionOptions>]> {
  return [
    { source: 'enclave', address: spare.socketPath, fingerprint: null, clientCertificate: null },
    { socketPath: spare.socketPath, retryMs: 300, heartbeatMs: 2_000 },
  ];
}
