import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import { normaliseAddress } from './address.js';

function refusal(input: string): EnclaveError {
  try {
    normaliseAddress(input);
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error(`${input} was accepted`);
}

describe('normaliseAddress', () => {
  it.each([
    ['incus.example', 'incus.example', 8443, 'https://incus.example:8443'],
    ['Incus.Example:9443', 'incus.example', 9443, 'https://incus.example:9443'],
    ['https://10.1.2.3', '10.1.2.3', 8443, 'https://10.1.2.3:8443'],
    ['https://10.1.2.3:443/', '10.1.2.3', 443, 'https://10.1.2.3:443'],
    ['  https://127.0.0.1:18443  ', '127.0.0.1', 18443, 'https://127.0.0.1:18443'],
    ['HTTPS://host', 'host', 8443, 'https://host:8443'],
    ['[::1]:8444', '::1', 8444, 'https://[::1]:8444'],
    ['https://[FD00::1]', 'fd00::1', 8443, 'https://[fd00::1]:8443'],
    ['fd00::1', 'fd00::1', 8443, 'https://[fd00::1]:8443'],
    ['host.example.', 'host.example.', 8443, 'https://host.example.:8443'],
  ])('%s → %s', (input, host, port, address) => {
    expect(normaliseAddress(input)).toEqual({ host, port, address });
  });

  it.each([
    ['', /Give the server address/],
    ['http://host:8443', /HTTPS only/],
    ['unix:///var/lib/incus/unix.socket', /local server/],
    ['ftp://host', /https:\/\/ only/],
    ['https://user:pw@host', /user name/],
    ['https://host:8443/1.0', /has a path/],
    ['host/x', /has a path/],
    ['https://host?x=1', /query/],
    ['https://host#frag', /fragment/],
    ['host:0', /out of range/],
    ['host:65536', /out of range/],
    ['host:99999', /out of range/],
    ['host:http', /not a number/],
    ['host:', /not a number/],
    ['[::1', /never closes/],
    ['[::1]x', /only ":port"/],
    ['[host]:1', /not an IPv6 address/],
    ['fd00::zz', /not an IPv6 address/],
    ['ho_st', /not a host name/],
    ['-host', /not a host name/],
    ['999.1.1.1', /not a valid IPv4/],
    [':8443', /no host/],
    ['a'.repeat(301), /at most 300/],
  ])('refuses %s', (input, message) => {
    const err = refusal(input);
    expect(err.code).toBe('invalid-arguments');
    expect(err.message).toMatch(message);
  });
});
