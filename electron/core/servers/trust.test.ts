import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import { decodeTrustToken } from './trust.js';

const FP = 'ab'.repeat(32);
const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
const NOW = new Date('2026-06-01T00:00:00Z');

function refusal(text: string): string {
  try {
    decodeTrustToken(text, NOW);
  } catch (err) {
    if (err instanceof EnclaveError && err.code === 'invalid-arguments') return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('decodeTrustToken', () => {
  it('reads the fields incus config trust add puts in a token', () => {
    const text = encode({ client_name: 'enclave', fingerprint: FP, addresses: ['127.0.0.1:8443'], secret: 's3cr3t', expires_at: '2026-06-02T00:00:00.5+02:00' });
    expect(decodeTrustToken(text, NOW)).toEqual({
      clientName: 'enclave',
      fingerprint: FP,
      addresses: ['127.0.0.1:8443'],
      secret: 's3cr3t',
      expiresAt: '2026-06-01T22:00:00.500Z',
    });
  });

  it("takes Go's zero time as no expiry, and URL-safe base64 and spaces around it", () => {
    const text = encode({ client_name: 'c', fingerprint: FP.toUpperCase(), addresses: null, secret: 'x', expires_at: '0001-01-01T00:00:00Z' });
    expect(decodeTrustToken(`  ${text.replace(/\+/g, '-').replace(/\//g, '_')}\n`, NOW)).toMatchObject({ expiresAt: null, addresses: [], fingerprint: FP });
  });

  it.each([
    ['', /empty/],
    ['not base64!', /not base64/],
    [Buffer.from('hello there').toString('base64'), /does not decode to a token/],
    [encode([1, 2]), /not to the fields/],
    [encode({ client_name: 'c', fingerprint: FP, addresses: [] }), /no secret/],
    [encode({ client_name: 'c', addresses: [], secret: 'x' }), /no valid server certificate fingerprint/],
    [encode({ client_name: 'c', fingerprint: 'abc', secret: 'x' }), /no valid server certificate fingerprint/],
    [encode({ client_name: 'c', fingerprint: FP, secret: 'x', expires_at: '2026-05-31T23:59:59Z' }), /expired at 2026-05-31T23:59:59.000Z/],
    [encode({ client_name: 'c', fingerprint: FP, secret: 'x', expires_at: 'soon' }), /is not a date/],
    [encode({ server_name: 'm2', fingerprint: FP, addresses: [], secret: 'x' }), /cluster join token/],
  ])('refuses %s', (text, message) => {
    expect(refusal(text)).toMatch(message);
  });
});
