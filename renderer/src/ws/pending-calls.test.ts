import { describe, expect, it } from 'vitest';
import { PendingCalls } from './pending-calls.js';

describe('PendingCalls', () => {
  it('answers the call whose id the reply carries', async () => {
    const calls = new PendingCalls();
    const a = calls.open();
    const b = calls.open();
    expect(a.id).not.toBe(b.id);
    expect(calls.settle(b.id, { ok: true, result: 'bee' })).toBe(true);
    await expect(b.reply).resolves.toEqual({ ok: true, result: 'bee' });
    expect(calls.size).toBe(1);
  });

  it('passes an error reply through with code, message and status', async () => {
    const calls = new PendingCalls();
    const call = calls.open();
    const error = { code: 'conflict' as const, message: 'Instance "a" already exists', status: 409 };
    calls.settle(call.id, { ok: false, error });
    await expect(call.reply).resolves.toEqual({ ok: false, error });
  });

  it('ignores unknown and repeated replies', () => {
    const calls = new PendingCalls();
    const call = calls.open();
    expect(calls.settle(999, { ok: true, result: null })).toBe(false);
    expect(calls.settle(call.id, { ok: true, result: null })).toBe(true);
    expect(calls.settle(call.id, { ok: true, result: null })).toBe(false);
  });

  it('failAll answers every waiting call with the error and forgets them', async () => {
    const calls = new PendingCalls();
    const a = calls.open();
    const b = calls.open();
    const lost = { code: 'unavailable' as const, message: 'Lost the connection to the Enclave backend' };
    calls.failAll(lost);
    await expect(a.reply).resolves.toEqual({ ok: false, error: lost });
    await expect(b.reply).resolves.toEqual({ ok: false, error: lost });
    expect(calls.size).toBe(0);
  });
});
