import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolHandler } from './app-protocol.js';
import { APP_ENTRY, APP_ORIGIN } from './app-origin.js';
import { contentSecurityPolicy } from './content-policy.js';

const INDEX = '<!doctype html><title>Enclave</title>';
const SECRET = 'outside the app folder';

describe('appProtocolHandler', () => {
  let top: string;
  let handle: (request: Request) => Promise<Response>;
  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  beforeAll(async () => {
    top = await realpath(await mkdtemp(join(tmpdir(), 'enclave-app-protocol-')));
    const root = join(top, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), INDEX);
    await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log("app")');
    await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
    await writeFile(join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32, 0, 1, 2, 255]));
    await writeFile(join(root, 'notes.bin'), 'bytes');
    await writeFile(join(top, 'secret.txt'), SECRET);
    await mkdir(join(top, 'elsewhere'));
    await writeFile(join(top, 'elsewhere', 'x.js'), SECRET);
    await symlink(join(top, 'secret.txt'), join(root, 'assets', 'leak.js'));
    await symlink(join(top, 'elsewhere'), join(root, 'linked-dir'));
    handle = appProtocolHandler(root);
  });
  afterAll(() => rm(top, { recursive: true, force: true }));

  function expectHeaders(res: Response): void {
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ connect: 'none' }));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
  }

  describe('serves the renderer', () => {
    it('"/" and the entry are index.html, as HTML', async () => {
      for (const url of [`${APP_ORIGIN}/`, APP_ENTRY, APP_ORIGIN, `${APP_ORIGIN}/?x=1#top`]) {
        const res = await get(url);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.headers.get('content-length')).toBe(String(INDEX.length));
        expectHeaders(res);
        expect(await res.text()).toBe(INDEX);
      }
    });

    it.each([
      ['/assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['/assets/index-abc.css', 'text/css; charset=utf-8'],
      ['/icon.svg', 'image/svg+xml'],
      ['/assets/font.woff2', 'font/woff2'],
      ['/notes.bin', 'application/octet-stream'],
    ])('%s as %s, byte for byte', async (path, type) => {
      const res = await get(`${APP_ORIGIN}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expectHeaders(res);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(res.headers.get('content-length')).toBe(String(body.byteLength));
      if (path === '/assets/font.woff2') expect([...body]).toEqual([0x77, 0x4f, 0x46, 0x32, 0, 1, 2, 255]);
    });

    it('answers HEAD with the headers and no body', async () => {
      const res = await get(`${APP_ORIGIN}/assets/index-abc.js`, 'HEAD');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('content-length')).toBe(String('console.log("app")'.length));
      expectHeaders(res);
      expect(res.body).toBeNull();
      const missing = await get(`${APP_ORIGIN}/missing.js`, 'HEAD');
      expect(missing.status).toBe(404);
      expect(missing.body).toBeNull();
      expectHeaders(missing);
    });
  });

  describe('refuses', () => {
    async function expectRefused(url: string, status: number, method = 'GET'): Promise<void> {
      const res = await get(url, method);
      expect(res.status, url).toBe(status);
      expectHeaders(res);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const text = await res.text();
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(INDEX);
    }

    it.each(['app://other/', 'app://other/index.html', 'app://enclave.evil/index.html', 'app://Enclave/', 'app://enclave:8080/', 'app://localhost/'])(
      'another host: %s',
      async (url) => {
        await expectRefused(url, 404);
      },
    );

    it('another scheme', async () => {
      await expectRefused('file:///etc/passwd', 404);
      await expectRefused('http://enclave/index.html', 404);
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s', async (method) => {
      await expectRefused(`${APP_ORIGIN}/index.html`, 405, method);
      expect((await get(`${APP_ORIGIN}/index.html`, method)).headers.get('allow')).toBe('GET, HEAD');
    });

    it.each([
      // The URL parser resolves these to paths inside the folder, where nothing is found.
      ['/../secret.txt', 404],
      ['/%2e%2e/secret.txt', 404],
      ['/%2E%2e/%2e%2E/secret.txt', 404],
      ['/assets/../../secret.txt', 404],
      // These reach the resolver as sent.
      ['/..%2fsecret.txt', 400],
      ['/assets/..%2f..%2fsecret.txt', 400],
      ['/%2e%2e%2fsecret.txt', 400],
      ['/..%5csecret.txt', 400],
      ['/..\\secret.txt', 400],
      ['/assets\\..\\..\\secret.txt', 400],
      ['/%00', 400],
      ['/index.html%00', 400],
      // A raw NUL inside the path (one at the end is stripped by the URL parser, as in Chromium).
      ['/index.html\0.js', 400],
      ['/%252e%252e/secret.txt', 400],
      ['/%252e%252e%252fsecret.txt', 400],
      ['//etc/passwd', 400],
      ['/%2fetc%2fpasswd', 400],
      [`/${encodeURIComponent(join('/', 'etc', 'passwd'))}`, 400],
      ['/%', 400],
      ['/%E0%A4%A', 400],
      ['/%C0%AE%C0%AE/secret.txt', 400],
    ])('traversal or a malformed path: %s (%i)', async (path, status) => {
      await expectRefused(`${APP_ORIGIN}${path}`, status);
    });

    it('a symlink pointing out of the folder, to a file or a directory', async () => {
      await expectRefused(`${APP_ORIGIN}/assets/leak.js`, 404);
      await expectRefused(`${APP_ORIGIN}/linked-dir/x.js`, 404);
    });

    it('directories and missing files', async () => {
      await expectRefused(`${APP_ORIGIN}/assets`, 404);
      await expectRefused(`${APP_ORIGIN}/assets/`, 400);
      await expectRefused(`${APP_ORIGIN}/missing.js`, 404);
      await expectRefused(`${APP_ORIGIN}/index.html/x`, 404);
    });
  });

  it('answers 404 with the headers when the folder itself is missing', async () => {
    const gone = appProtocolHandler(join(top, 'no-such-folder'));
    const res = await gone(new Request(`${APP_ORIGIN}/`));
    expect(res.status).toBe(404);
    expectHeaders(res);
  });
});
