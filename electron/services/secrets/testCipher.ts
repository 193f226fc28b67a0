import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StringCipher } from './encryptedFileSecretStore';

/**
 * A stand-in for Electron's safeStorage where Electron cannot run (tests, the web host): AES-256-GCM
 * with a key held in memory and passed in. Not a replacement for the OS keyring in the product.
 */
export function standInSafeStorage(key: Buffer = randomBytes(32)): StringCipher {
  return {
    isAvailable: () => true,
    encrypt: (plain) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt: (encrypted) => {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
