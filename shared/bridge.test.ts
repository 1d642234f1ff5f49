import { describe, expect, it } from 'vitest';
import type { EnclaveBridge, Reply } from './api.js';
import { isEventName, isRequestName } from './api.js';
import { apiFromBridge } from './bridge.js';
import { EnclaveError } from './errors.js';

function bridgeAnswering(reply: Reply): EnclaveBridge & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    call: async (method, args) => (calls.push([method, args]), reply),
    on: (_event, listener) => {
      listener('payload');
      return () => undefined;
    },
  };
}

describe('apiFromBridge', () => {
  it('resolves with the result of a successful reply', async () => {
    const bridge = bridgeAnswering({ ok: true, result: [] });
    expect(await apiFromBridge(bridge).invoke('agents.list', {})).toEqual([]);
    expect(bridge.calls).toEqual([['agents.list', {}]]);
  });

  it('rejects with an EnclaveError keeping code, message and status', async () => {
    const bridge = bridgeAnswering({ ok: false, error: { code: 'not-found', message: 'Instance not found', status: 404 } });
    const err = await apiFromBridge(bridge)
      .invoke('agents.delete', { name: 'a' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err).toMatchObject({ code: 'not-found', message: 'Instance not found', status: 404 });
    expect((err as EnclaveError).toInfo()).toEqual({ code: 'not-found', message: 'Instance not found', status: 404 });
  });

  it('passes event subscriptions through', () => {
    const got: unknown[] = [];
    const off = apiFromBridge(bridgeAnswering({ ok: true, result: null })).on('agents.changed', (p) => got.push(p));
    expect(got).toEqual(['payload']);
    expect(typeof off).toBe('function');
  });
});

describe('EnclaveError', () => {
  it('omits an absent status from its info', () => {
    expect(new EnclaveError('busy', 'x').toInfo()).toEqual({ code: 'busy', message: 'x' });
    expect(EnclaveError.from({ code: 'incus', message: 'm', status: 500 })).toMatchObject({ name: 'EnclaveError', status: 500 });
  });
});

describe('contract names', () => {
  it('knows its own methods and events only', () => {
    expect(isRequestName('agents.create')).toBe(true);
    expect(isRequestName('__proto__')).toBe(false);
    expect(isRequestName(1)).toBe(false);
    expect(isEventName('agents.changed')).toBe(true);
    expect(isEventName('agents.create')).toBe(false);
  });
});
