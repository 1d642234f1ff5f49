/**
 * How stored secrets are protected at rest. In Electron, safeStorage (the OS keychain /
 * libsecret / DPAPI); in browser mode there is no keychain to ask, so the values are kept in
 * a file only the user can read, and the UI says that they are not encrypted there.
 */
export interface SecretCipher {
  readonly encrypted: boolean;
  /** How the values are kept, said to the user (the store's default sentence when absent). */
  describe?(path: string): string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/** Browser mode: no encryption; the store's file mode (0600) is the only protection. */
export const plainCipher: SecretCipher = {
  encrypted: false,
  encrypt: (plain) => Buffer.from(plain, 'utf8'),
  decrypt: (sealed) => sealed.toString('utf8'),
};

/** The part of Electron's safeStorage the store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/** Electron: safeStorage, or null when the OS offers no encryption (then browser mode's rules apply, and say so). */
export function safeStorageCipher(safeStorage: SafeStorageLike): SecretCipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  return {
    encrypted: true,
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
