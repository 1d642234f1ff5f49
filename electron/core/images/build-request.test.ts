import { describe, expect, it } from 'vitest';
import { builderPolicy, provisionScript } from '../../../shared/images.js';
import type { NetworkPolicy } from '../../../shared/types.js';
import { buildRequest } from './build-request.js';

describe('a build request', () => {
  it('fills in the version, base, built-in script and the registries-only network', () => {
    const req = buildRequest({ alias: 'enclave-agents', installs: ['codex'] }, new Date('2026-12-01T22:31:00Z'));
    expect(req).toEqual({
      alias: 'enclave-agents',
      version: '2026.12.01-2231',
      base: 'enclave-agent',
      installs: ['codex'],
      script: provisionScript(['codex']),
      network: builderPolicy(['codex']),
    });
    expect(req.network.mode).toBe('allowlist');
  });

  it('keeps what the user gave', () => {
    const none: NetworkPolicy = { mode: 'none', allow: [], ingress: '', egress: '' };
    expect(buildRequest({ alias: 'a', version: '1', base: 'b', installs: [], script: 'true', network: none }, new Date())).toMatchObject({ version: '1', base: 'b', script: 'true', network: none });
  });
});
