/**
 * Integration-test support: how a Backend reaches a SpareIncusd as a remote server: over
 * HTTPS on loopback, with a throwaway client certificate the spare trusts and the spare's
 * certificate pinned.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from '../core/connection.js';
import type { ServerMeta } from '../core/servers/registry.js';
import { certFingerprint } from '../incus/endpoint.js';
import { testClientIdentity, type SpareIncusd } from './spare-incusd.js';

export async function remoteConnection(spare: SpareIncusd): Promise<[ServerMeta, Partial<ConnectionOptions>]> {
  const https = spare.httpsPort === null ? await spare.listenHttps() : { host: '127.0.0.1', port: spare.httpsPort, address: `https://127.0.0.1:${spare.httpsPort}`, serverCertPem: await spare.serverCertPem() };
  const dir = await mkdtemp(join(tmpdir(), 'enclave-remote-id-'));
  try {
    const client = await testClientIdentity(dir, 'enclave-remote');
    await spare.trustCertificate(client.certPem, `enclave-remote-${Date.now()}`);
    return [
      { source: 'enclave', address: https.address, fingerprint: certFingerprint(https.serverCertPem), clientCertificate: 'enclave' },
      { endpoint: { kind: 'https', host: https.host, port: https.port, serverCertPem: https.serverCertPem, client }, retryMs: 300, heartbeatMs: 2_000 },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
