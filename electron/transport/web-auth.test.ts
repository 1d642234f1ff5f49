import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, requestUrl, tokenCookie } from './web-auth.js';

const PORT = 41234;
const TOKEN = 'Zm9vYmFyYmF6cXV4LXRva2VuLXRlc3Q';
const TOKEN_COOKIE = tokenCookie(PORT);

function req(url: string, headers: Record<string, string | undefined> = {}): IncomingMessage {
  return { url, headers: { host: `127.0.0.1:${PORT}`, ...headers } } as unknown as IncomingMessage;
}

describe('checkRequest', () => {
  it('accepts the token in the query, on each loopback host name', () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`]) {
      expect(checkRequest(req(`/?token=${TOKEN}`, { host }), TOKEN, PORT)).toEqual({ ok: true, viaQuery: true });
    }
    expect(checkRequest(req(`/ws?x=1&token=${TOKEN}`), TOKEN, PORT)).toEqual({ ok: true, viaQuery: true });
  });

  it('accepts the token in the cookie', () => {
    expect(checkRequest(req('/', { cookie: `${TOKEN_COOKIE}=${TOKEN}` }), TOKEN, PORT)).toEqual({ ok: true, viaQuery: false });
    expect(checkRequest(req('/app.js', { cookie: `theme=dark; ${TOKEN_COOKIE}=${TOKEN}; other=1` }), TOKEN, PORT)).toEqual({
      ok: true,
      viaQuery: false,
    });
  });

  it('refuses a missing token with 401', () => {
    const v = checkRequest(req('/'), TOKEN, PORT);
    expect(v).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req('/?token='), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req('/', { cookie: `${TOKEN_COOKIE}=` }), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a wrong token, in the query or the cookie', () => {
    expect(checkRequest(req('/?token=wrong'), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req(`/?token=${TOKEN}x`), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req(`/?token=${TOKEN.slice(0, -1)}`), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req('/', { cookie: `${TOKEN_COOKIE}=nope` }), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    // Same value under another cookie name does not count, nor the cookie of another port.
    expect(checkRequest(req('/', { cookie: `other=${TOKEN}` }), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req('/', { cookie: `${tokenCookie(PORT + 1)}=${TOKEN}` }), TOKEN, PORT)).toMatchObject({ ok: false, status: 401 });
    // Multi-byte text of another byte length must not throw.
    expect(checkRequest(req(`/?token=${encodeURIComponent('é'.repeat(TOKEN.length))}`), TOKEN, PORT)).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('refuses a Host that is not this server with 403, even with the token', () => {
    for (const host of ['evil.example:41234', `127.0.0.1:${PORT + 1}`, '127.0.0.1', `enclave.localhost:${PORT}`, '']) {
      const v = checkRequest(req(`/?token=${TOKEN}`, { host }), TOKEN, PORT);
      expect(v).toMatchObject({ ok: false, status: 403 });
    }
    expect(checkRequest(req(`/?token=${TOKEN}`, { host: undefined }), TOKEN, PORT)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a foreign Origin with 403, even with the token', () => {
    for (const origin of ['http://evil.example', `http://evil.example:${PORT}`, `http://127.0.0.1:${PORT + 1}`, 'null']) {
      const v = checkRequest(req(`/?token=${TOKEN}`, { origin }), TOKEN, PORT);
      expect(v).toMatchObject({ ok: false, status: 403 });
      if (!v.ok) expect(v.reason).toContain(origin);
    }
  });

  it('accepts this server as Origin, or no Origin', () => {
    for (const origin of [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, undefined]) {
      expect(checkRequest(req(`/?token=${TOKEN}`, { origin }), TOKEN, PORT).ok).toBe(true);
    }
  });

  it('refuses a request target that is not a URL with 400, without throwing', () => {
    for (const url of ['http://[', 'http://a:99999/', 'http://%zz/']) {
      expect(checkRequest(req(url), TOKEN, PORT)).toMatchObject({ ok: false, status: 400 });
      expect(requestUrl(req(url))).toBeNull();
    }
    expect(requestUrl(req('/ws?token=a'))?.pathname).toBe('/ws');
  });

  it('checks Host and Origin before the token', () => {
    expect(checkRequest(req('/', { host: 'evil.example' }), TOKEN, PORT)).toMatchObject({ status: 403 });
    expect(checkRequest(req('/', { origin: 'http://evil.example' }), TOKEN, PORT)).toMatchObject({ status: 403 });
  });
});
