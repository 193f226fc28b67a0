import { safeStorage } from 'electron';
import type { StringCipher } from '../services/secrets/encryptedFileSecretStore';

/**
 * Electron's safeStorage as the secret store's cipher. On Linux without a keyring Electron falls
 * back to "basic_text" (a hard-coded key): that is not encryption, so it counts as unavailable.
 */
export function electronSafeStorage(): StringCipher {
  return {
    isAvailable: () =>
      safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  };
}
