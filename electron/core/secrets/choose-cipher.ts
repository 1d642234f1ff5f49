import { plainCipher, safeStorageCipher, type SafeStorageLike, type SecretCipher } from './cipher.js';

/** Electron's safeStorage, with the one call that says which Linux backend it picked. */
export interface ElectronSafeStorage extends SafeStorageLike {
  /** Linux only; 'basic_text' means a hard-coded key: no better than plain text. */
  getSelectedStorageBackend?(): string;
}

/**
 * The desktop app's cipher: safeStorage where the OS offers a keychain; otherwise the plain
 * cipher (file mode 0600), saying so to the user rather than pretending to encrypt.
 */
export function electronSecretCipher(safeStorage: ElectronSafeStorage): SecretCipher {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  const sealed = backend === 'basic_text' ? null : safeStorageCipher(safeStorage);
  return (
    sealed ?? {
      ...plainCipher,
      describe: (path) =>
        `Not encrypted: this system offers Enclave no keychain (no secret service is running), so the values are in ${path}, readable only by your user (mode 0600).`,
    }
  );
}
