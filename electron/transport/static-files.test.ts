import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentType, resolveStaticFile, uiResponseHeaders } from './static-files.js';

describe('resolveStaticFile', () => {
  let top: string;
  let root: string;

  beforeAll(async () => {
    top = await realpath(await mkdtemp(join(tmpdir(), 'enclave-static-')));
    root = join(top, 'root');
    await mkdir(join(root, 'assets', 'deep'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(root, 'assets', 'deep', 'x.css'), 'a{}');
    await writeFile(join(root, 'assets', 'a b.svg'), '<svg/>');
    await writeFile(join(top, 'secret.txt'), 'outside');
    await mkdir(join(top, 'rootish'));
    await writeFile(join(top, 'rootish', 'x.js'), 'outside too');
    await symlink(join(top, 'secret.txt'), join(root, 'out-file'));
    await symlink(join(top, 'rootish'), join(root, 'out-dir'));
    // A sibling whose name starts like root's: a prefix compare would let it through.
    await symlink(join(top, 'rootish', 'x.js'), join(root, 'assets', 'prefix.js'));
    await symlink(join(root, 'assets', 'app.js'), join(root, 'inside-link.js'));
    await symlink(root, join(top, 'root-link'));
  });
  afterAll(() => rm(top, { recursive: true, force: true }));

  it('serves "/" as index.html, and files by their path', async () => {
    expect(await resolveStaticFile(root, '/')).toEqual({ ok: true, path: join(root, 'index.html'), size: 15, type: 'text/html; charset=utf-8' });
    expect(await resolveStaticFile(root, '/assets/app.js')).toMatchObject({ ok: true, path: join(root, 'assets', 'app.js'), type: 'text/javascript; charset=utf-8' });
    expect(await resolveStaticFile(root, '/assets/deep/x.css')).toMatchObject({ ok: true, type: 'text/css; charset=utf-8' });
    expect(await resolveStaticFile(root, '/assets/a%20b.svg')).toMatchObject({ ok: true, path: join(root, 'assets', 'a b.svg'), type: 'image/svg+xml' });
  });

  it('follows a symlink that stays inside, and a root that is itself a symlink', async () => {
    expect(await resolveStaticFile(root, '/inside-link.js')).toMatchObject({ ok: true, path: join(root, 'assets', 'app.js') });
    expect(await resolveStaticFile(join(top, 'root-link'), '/assets/app.js')).toMatchObject({ ok: true, path: join(root, 'assets', 'app.js') });
  });

  it.each([
    ['/out-file', 'outside the folder'],
    ['/out-dir/x.js', 'outside the folder'],
    ['/assets/prefix.js', 'outside the folder'],
    ['/missing.js', 'no such file'],
    ['/assets', 'not a file'],
    ['/assets/deep', 'not a file'],
    ['/index.html/x', 'no such file'],
  ])('%s is not found (%s)', async (path, reason) => {
    expect(await resolveStaticFile(root, path)).toEqual({ ok: false, status: 404, reason });
  });

  it.each([
    ['', 'the path does not start with /'],
    ['assets/app.js', 'the path does not start with /'],
    ['/../secret.txt', 'empty or dot segment'],
    ['/assets/../../secret.txt', 'empty or dot segment'],
    ['/%2e%2e/secret.txt', 'empty or dot segment'],
    ['/%2E%2E/secret.txt', 'empty or dot segment'],
    ['/./index.html', 'empty or dot segment'],
    ['/assets/%2e/app.js', 'empty or dot segment'],
    ['//etc/passwd', 'empty or dot segment'],
    ['/assets//app.js', 'empty or dot segment'],
    ['/assets/', 'empty or dot segment'],
    ['/..%2fsecret.txt', 'separator or NUL inside a segment'],
    ['/%2fetc%2fpasswd', 'separator or NUL inside a segment'],
    ['/%2Fetc/passwd', 'separator or NUL inside a segment'],
    ['/..%5csecret.txt', 'separator or NUL inside a segment'],
    ['/..\\secret.txt', 'separator or NUL inside a segment'],
    ['/assets\\..\\..\\secret.txt', 'separator or NUL inside a segment'],
    ['/%00', 'separator or NUL inside a segment'],
    ['/index.html%00.js', 'separator or NUL inside a segment'],
    ['/index.html\0', 'separator or NUL inside a segment'],
    ['/%252e%252e/secret.txt', 'encoded twice'],
    ['/%252fetc%252fpasswd', 'encoded twice'],
    ['/index%252ehtml', 'encoded twice'],
    ['/%', 'malformed percent-encoding'],
    ['/%zz', 'malformed percent-encoding'],
    ['/%E0%A4%A', 'malformed percent-encoding'],
    ['/%C0%AE%C0%AE/secret.txt', 'malformed percent-encoding'],
  ])('%j is refused as a bad path (%s)', async (path, reason) => {
    expect(await resolveStaticFile(root, path)).toEqual({ ok: false, status: 400, reason });
  });

  it('refuses absolute paths given as a segment', async () => {
    expect(await resolveStaticFile(root, `/${encodeURIComponent(join(top, 'secret.txt'))}`)).toMatchObject({ ok: false, status: 400 });
  });

  it('answers 404 for a root that does not exist', async () => {
    expect(await resolveStaticFile(join(top, 'nope'), '/')).toEqual({ ok: false, status: 404, reason: 'no such file' });
  });
});

describe('contentType', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.json', 'application/json'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['A.PNG', 'image/png'],
    ['a.exe', 'application/octet-stream'],
    ['Makefile', 'application/octet-stream'],
  ])('%s is %s', (name, type) => {
    expect(contentType(name)).toBe(type);
  });
});

describe('uiResponseHeaders', () => {
  it('carries the policy and the headers every response of the UI has', () => {
    expect(uiResponseHeaders("default-src 'none'")).toEqual({
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
    });
  });
});
