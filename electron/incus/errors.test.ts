import { describe, expect, it } from 'vitest';
import { CERT_MISMATCH } from './endpoint.js';
import { IncusError, IncusUnreachableError, classifyConnectError } from './errors.js';

const coded = (code: string, cause?: unknown) => Object.assign(new Error(`err ${code}`), { code, cause });
const wrap = (cause: unknown, message = 'fetch failed') => new Error(message, { cause });

describe('classifyConnectError', () => {
  it('maps ENOENT to missing', () => {
    const e = classifyConnectError(coded('ENOENT'), '/s');
    expect(e).toBeInstanceOf(IncusUnreachableError);
    expect(e).toMatchObject({ problem: 'missing', address: '/s', message: 'The Incus socket /s does not exist.' });
  });

  it.each(['EACCES', 'EPERM'])('maps %s to permission-denied', (code) => {
    expect(classifyConnectError(coded(code), '/s')).toMatchObject({
      problem: 'permission-denied',
      message: 'Permission denied on /s.',
    });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_SOCKET', 'ENOTSOCK', 'UND_ERR_CLOSED'])(
    'maps %s to not-responding',
    (code) => {
      const e = classifyConnectError(coded(code), '/s');
      expect(e?.problem).toBe('not-responding');
      expect(e?.message).toContain(code);
    },
  );

  it('finds the code down a nested cause chain', () => {
    expect(classifyConnectError(wrap(wrap(coded('ENOENT'))), '/s')?.problem).toBe('missing');
    expect(classifyConnectError(wrap(wrap(wrap(coded('EACCES')))), '/s')?.problem).toBe('permission-denied');
    // Plain objects with a code, as some libraries throw.
    expect(classifyConnectError({ cause: { cause: { code: 'ECONNREFUSED' } } }, '/s')?.problem).toBe('not-responding');
  });

  it('uses the outermost recognised code', () => {
    expect(classifyConnectError(coded('ECONNRESET', coded('ENOENT')), '/s')?.problem).toBe('not-responding');
    expect(classifyConnectError(coded('SOMETHING_ELSE', coded('ENOENT')), '/s')?.problem).toBe('missing');
  });

  it('gives up on very deep chains rather than looping', () => {
    let e: unknown = coded('ENOENT');
    for (let i = 0; i < 10; i++) e = wrap(e);
    expect(classifyConnectError(e, '/s')).toBeNull();
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(classifyConnectError(loop, '/s')).toBeNull();
  });

  it('returns null for errors that are not about connecting', () => {
    expect(classifyConnectError(new Error('boom'), '/s')).toBeNull();
    expect(classifyConnectError(new IncusError('Not Found', 404), '/s')).toBeNull();
    expect(classifyConnectError(coded('EEXIST'), '/s')).toBeNull();
    expect(classifyConnectError(null, '/s')).toBeNull();
    expect(classifyConnectError(undefined, '/s')).toBeNull();
    expect(classifyConnectError('ENOENT', '/s')).toBeNull();
  });
});

describe('classifyConnectError for a remote over TLS', () => {
  const at = 'https://127.0.0.1:8443';
  const classify = (err: unknown) => classifyConnectError(err, at);

  it('tells a closed port from a lost daemon', () => {
    const e = classify(coded('ECONNREFUSED'));
    expect(e).toMatchObject({ problem: 'not-responding', address: at });
    expect(e?.message).toMatch(/Nothing listens on https:\/\/127\.0\.0\.1:8443.*wrong port/);
    expect(classify(coded('ECONNRESET'))?.message).toContain('dropped the connection');
    expect(classify(coded('UND_ERR_HEADERS_TIMEOUT'))?.message).toContain('did not answer in time');
  });

  it.each(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])('maps %s to unreachable', (code) => {
    const e = classify(wrap(coded(code)));
    expect(e?.problem).toBe('unreachable');
    expect(e?.message).toContain(at);
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('maps %s to unreachable: the name does not resolve', (code) => {
    const e = classifyConnectError(coded(code), 'https://incus.example:8443');
    expect(e).toMatchObject({ problem: 'unreachable' });
    expect(e?.message).toMatch(/does not resolve/);
  });

  it.each([CERT_MISMATCH, 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'refuses %s as a changed certificate, saying so',
    (code) => {
      const e = classify(wrap(coded(code)));
      expect(e?.problem).toBe('certificate-changed');
      expect(e?.message).toMatch(/^Refused https:\/\/127\.0\.0\.1:8443: its certificate is not the one pinned/);
      expect(e?.message).toContain('Nothing was sent');
    },
  );

  it('keeps the fingerprints of a pin mismatch in the message', () => {
    const mismatch = Object.assign(new Error("The server's certificate (aaaa…) is not the pinned one (bbbb…)."), { code: CERT_MISMATCH });
    expect(classify(mismatch)?.message).toContain('(aaaa…) is not the pinned one (bbbb…)');
  });

  it('says an expired pinned certificate is refused', () => {
    expect(classify(coded('CERT_HAS_EXPIRED'))).toMatchObject({ problem: 'certificate-changed', message: expect.stringContaining('has expired') });
  });

  it('maps a peer that does not speak TLS to not-incus', () => {
    const wrongVersion = Object.assign(new Error('C0B7F2F7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      reason: 'wrong version number',
    });
    expect(classify(wrongVersion)).toMatchObject({ problem: 'not-incus', message: `${at} does not speak TLS as Incus does (wrong version number): not an Incus server, or the wrong port.` });
    expect(classify(coded('EPROTO'))?.problem).toBe('not-incus');
    const early = Object.assign(new Error('Client network socket disconnected before secure TLS connection was established'), { code: 'ECONNRESET' });
    expect(classify(early)).toMatchObject({ problem: 'not-incus', message: expect.stringContaining('wrong port') });
  });

  it('maps a server refusing the client certificate in the handshake to untrusted', () => {
    expect(classify(coded('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'))?.problem).toBe('untrusted');
    expect(classify(coded('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'))?.problem).toBe('untrusted');
  });

  it('does not call a remote socket error "missing"', () => {
    expect(classify(coded('ENOENT'))).toBeNull();
    expect(classify(coded('EACCES'))?.problem).toBe('unreachable');
  });

  it('passes an already classified error through', () => {
    const e = new IncusUnreachableError('not-incus', at, 'x');
    expect(classify(e)).toBe(e);
  });
});

describe('IncusError', () => {
  it('keeps the message and status', () => {
    const e = new IncusError('Instance not found', 404);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('IncusError');
    expect(e.message).toBe('Instance not found');
    expect(e.status).toBe(404);
  });
});
