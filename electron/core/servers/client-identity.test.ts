import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainCipher, type SecretCipher } from '../secrets/cipher.js';
import { CLIENT_CERT_FILE, CLIENT_KEY_FILE, generateIdentity, loadOrCreateIdentity } from './client-identity.js';

/** Stands in for safeStorage: a reversible transform whose output is not the plain text. */
const sealingCipher: SecretCipher = {
  encrypted: true,
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x5a)).toString('utf8'),
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateIdentity', () => {
  it('makes a self-signed ECDSA P-384 client certificate valid for about ten years', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const id = await generateIdentity('enclave@test-host', now);
    const cert = new X509Certificate(id.certPem);
    expect(cert.subject).toBe('CN=enclave@test-host');
    expect(cert.issuer).toBe('CN=enclave@test-host');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(cert.checkPrivateKey(createPrivateKey(id.keyPem))).toBe(true);
    const years = (new Date(cert.validTo).getTime() - now.getTime()) / (365 * 86400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(id.fingerprint).toBe(cert.fingerprint256.replace(/:/g, '').toLowerCase());
  });
});

describe('loadOrCreateIdentity', () => {
  it('makes the identity once, keeps the key sealed at 0600, and loads the same one after', async () => {
    const first = await loadOrCreateIdentity(dir, sealingCipher);
    const sealed = await readFile(join(dir, CLIENT_KEY_FILE), 'utf8');
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(JSON.parse(sealed)).toMatchObject({ version: 1, encrypted: true });
    expect((await stat(join(dir, CLIENT_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, CLIENT_CERT_FILE), 'utf8')).toBe(first.certPem);
    const again = await loadOrCreateIdentity(dir, sealingCipher);
    expect(again).toEqual(first);
  });

  it('seals a key browser mode kept in the clear once a keychain is there', async () => {
    const first = await loadOrCreateIdentity(dir, plainCipher);
    expect(JSON.parse(await readFile(join(dir, CLIENT_KEY_FILE), 'utf8'))).toMatchObject({ encrypted: false });
    const sealed = await loadOrCreateIdentity(dir, sealingCipher);
    expect(sealed.fingerprint).toBe(first.fingerprint);
    expect(JSON.parse(await readFile(join(dir, CLIENT_KEY_FILE), 'utf8'))).toMatchObject({ encrypted: true });
  });

  it('refuses, and keeps, a key the desktop app sealed when browser mode cannot open it', async () => {
    await loadOrCreateIdentity(dir, sealingCipher);
    const before = await readFile(join(dir, CLIENT_KEY_FILE), 'utf8');
    await expect(loadOrCreateIdentity(dir, plainCipher)).rejects.toThrow(/encrypted by the desktop app/);
    expect(await readFile(join(dir, CLIENT_KEY_FILE), 'utf8')).toBe(before);
  });

  it('refuses a key that does not belong to the certificate, naming no key material', async () => {
    await loadOrCreateIdentity(dir, plainCipher);
    const other = await generateIdentity('other');
    await writeFile(join(dir, CLIENT_CERT_FILE), other.certPem);
    const err = await loadOrCreateIdentity(dir, plainCipher).catch((e: Error) => e);
    expect(String(err)).toMatch(/does not belong to the certificate/);
    expect(String(err)).not.toContain('PRIVATE KEY');
  });

  it('makes a new identity when the certificate is missing', async () => {
    const first = await loadOrCreateIdentity(dir, plainCipher);
    await rm(join(dir, CLIENT_CERT_FILE));
    const second = await loadOrCreateIdentity(dir, plainCipher);
    expect(second.fingerprint).not.toBe(first.fingerprint);
  });
});
