import { describe, expect, it } from 'vitest';
import { IncusError, IncusUnreachableError, classifyConnectError } from './errors.js';

const coded = (code: string, cause?: unknown) => Object.assign(new Error(`err ${code}`), { code, cause });
const wrap = (cause: unknown, message = 'fetch failed') => new Error(message, { cause });

describe('classifyConnectError', () => {
  it('maps ENOENT to missing', () => {
    const e = classifyConnectError(coded('ENOENT'), '/s');
    expect(e).toBeInstanceOf(IncusUnreachableError);
    expect(e).toMatchObject({ problem: 'missing', socketPath: '/s', message: 'The Incus socket /s does not exist.' });
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

describe('IncusError', () => {
  it('keeps the message and status', () => {
    const e = new IncusError('Instance not found', 404);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('IncusError');
    expect(e.message).toBe('Instance not found');
    expect(e.status).toBe(404);
  });
});
