import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostCaBundle } from './host-cas.js';

const cert = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-cas-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostCaBundle', () => {
  it('takes only the certificates of the .crt files, in name order', async () => {
    await writeFile(join(dir, 'b.crt'), `junk\n${cert('BBB')}\nmore junk; rm -rf /\n${cert('CCC')}\n`);
    await writeFile(join(dir, 'a.crt'), cert('AAA'));
    await writeFile(join(dir, 'key.pem'), cert('NOT-A-CRT-FILE'));
    await writeFile(join(dir, 'huge.crt'), cert('x'.repeat(70 * 1024)));
    const { bundle, count } = await hostCaBundle(dir);
    expect(count).toBe(3);
    expect(bundle).toBe(`${cert('AAA')}\n${cert('BBB')}\n${cert('CCC')}\n`);
  });
  it('is empty where the folder is missing', async () => {
    expect(await hostCaBundle(join(dir, 'nope'))).toEqual({ bundle: '', count: 0 });
  });
});
