import { afterEach, describe, expect, it, vi } from 'vitest';
import { electronSecretCipher, type ElectronSafeStorage } from './choose-cipher.js';

/** A stand-in for Electron's safeStorage: reversible, and visibly not the plain text. */
function fakeSafeStorage(available: boolean, backend?: string): ElectronSafeStorage {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0x5a)),
    decryptString: (sealed) => Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString('utf8'),
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('electronSecretCipher', () => {
  it('uses safeStorage where the OS offers encryption', () => {
    const cipher = electronSecretCipher(fakeSafeStorage(true, 'gnome_libsecret'));
    expect(cipher.encrypted).toBe(true);
    const sealed = cipher.encrypt('sk-test');
    expect(sealed.toString('utf8')).not.toContain('sk-test');
    expect(cipher.decrypt(sealed)).toBe('sk-test');
    expect(cipher.describe).toBeUndefined();
  });

  it('falls back to the plain cipher, and says so, when safeStorage has no encryption', () => {
    const cipher = electronSecretCipher(fakeSafeStorage(false));
    expect(cipher.encrypted).toBe(false);
    expect(cipher.encrypt('sk-test').toString('utf8')).toBe('sk-test');
    expect(cipher.describe?.('/home/u/.config/Enclave/secrets.json')).toMatch(
      /^Not encrypted: .*no keychain.*\/home\/u\/\.config\/Enclave\/secrets\.json.*0600/,
    );
  });

  it("treats Linux's basic_text backend (a hard-coded key) as no encryption", () => {
    const cipher = electronSecretCipher(fakeSafeStorage(true, 'basic_text'));
    if (process.platform === 'linux') {
      expect(cipher.encrypted).toBe(false);
      expect(cipher.describe?.('/x')).toMatch(/^Not encrypted/);
    } else {
      expect(cipher.encrypted).toBe(true);
    }
  });
});
