import { describe, expect, it } from 'vitest';
import { IncusUnreachableError } from '../incus/errors.js';
import { checkServerInfo } from './connection.js';

const at = 'https://127.0.0.1:8443';
const trusted = { api_version: '1.0', api_extensions: ['x'], auth: 'trusted', environment: { server_version: '6.0.4', storage: 'btrfs' } };

describe('checkServerInfo', () => {
  it('accepts a trusted Incus reply', () => {
    expect(checkServerInfo(trusted, at, true)).toBe(trusted);
  });

  it('calls an untrusted remote untrusted, naming it', () => {
    const e = (() => {
      try {
        checkServerInfo({ api_version: '1.0', api_extensions: ['x'], auth: 'untrusted', public: false }, at, true);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(IncusUnreachableError);
    expect(e).toMatchObject({ problem: 'untrusted', message: expect.stringContaining(at) });
  });

  it('keeps an untrusted local socket a plain error', () => {
    expect(() => checkServerInfo({ ...trusted, auth: 'untrusted' }, '/s', false)).toThrow(/does not trust this client on \/s/);
  });

  it.each([
    ['an array', []],
    ['a string', 'hello'],
    ['null', null],
    ['JSON of another service', { status: 'ok', version: '2' }],
    ['a trusted reply without a version', { api_extensions: [], auth: 'trusted' }],
  ])('calls %s not-incus', (_what, raw) => {
    expect(() => checkServerInfo(raw, at, true)).toThrow(expect.objectContaining({ problem: 'not-incus' }));
  });
});
