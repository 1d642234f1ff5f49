import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainCipher, safeStorageCipher, type SecretCipher } from './cipher.js';
import { SecretStore, homeRelative } from './store.js';

/** A stand-in for safeStorage: reversible, and visibly not the plain text. */
const sealed: SecretCipher = safeStorageCipher({
  isEncryptionAvailable: () => true,
  encryptString: (p) => Buffer.from([...Buffer.from(p, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (s) => Buffer.from([...s].map((b) => b ^ 0x5a)).toString('utf8'),
})!;

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SecretStore', () => {
  it('keeps values sealed on disk in a file only the user can read, and lists names only', async () => {
    const path = join(dir, 'secrets.json');
    const store = new SecretStore(path, sealed);
    await store.set('ANTHROPIC_API_KEY', 'sk-ant-secret-value');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-ant-secret-value');
    expect((await stat(path)).mode & 0o077).toBe(0);
    const listed = await store.list();
    expect(listed.map((s) => s.name)).toEqual(['ANTHROPIC_API_KEY']);
    expect(JSON.stringify(listed)).not.toContain('sk-ant');
    const again = new SecretStore(path, sealed);
    expect(await again.values(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-secret-value' });
  });

  it('refuses bad names and values with the rule', async () => {
    const store = new SecretStore(join(dir, 's.json'), plainCipher);
    await expect(store.set('1BAD', 'x')).rejects.toThrow(/environment variable name/);
    await expect(store.set('PATH', 'x')).rejects.toThrow(/set by Enclave/);
    await expect(store.set('TOKEN', '')).rejects.toThrow(/has a value/);
    await expect(store.set('TOKEN', 'a\nb')).rejects.toThrow(/one line/);
    await expect(store.set('TOKEN', 'x'.repeat(16 * 1024 + 1))).rejects.toThrow(/at most 16 KiB/);
    await expect(store.delete('TOKEN')).rejects.toThrow(/no secret TOKEN/);
  });

  it('does not read a file sealed by the other mode, and says which', async () => {
    const path = join(dir, 'secrets.json');
    await new SecretStore(path, sealed).set('TOKEN', 'value');
    await expect(new SecretStore(path, plainCipher).list()).rejects.toThrow(/encrypted by the desktop app/);
    await writeFile(path, 'not json');
    await expect(new SecretStore(path, sealed).list()).rejects.toThrow(/not valid JSON/);
  });

  it('deletes, and concurrent sets all land', async () => {
    const store = new SecretStore(join(dir, 's.json'), plainCipher);
    await Promise.all(['A', 'B', 'C'].map((n) => store.set(n, `v-${n}`)));
    await store.delete('B');
    expect(await store.values(['A', 'B', 'C'])).toEqual({ A: 'v-A', C: 'v-C' });
  });

  it('safeStorageCipher is null when the OS has no encryption', () => {
    expect(
      safeStorageCipher({ isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' }),
    ).toBeNull();
  });
});

describe('homeRelative', () => {
  it('writes a path under the home folder as ~/…, and leaves others', () => {
    expect(homeRelative('/home/ann/.config/enclave/secrets.json', '/home/ann')).toBe('~/.config/enclave/secrets.json');
    expect(homeRelative('/home/annex/secrets.json', '/home/ann')).toBe('/home/annex/secrets.json');
    expect(homeRelative('/etc/x', '/')).toBe('/etc/x');
  });
});
