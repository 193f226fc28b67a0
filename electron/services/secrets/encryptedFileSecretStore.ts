import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_NAMES, type SecretName, type SecretStore } from './secretStore';

/**
 * OS-backed encryption of strings: Electron's `safeStorage` in the app. `isAvailable` is false
 * where the OS offers nothing real (e.g. Linux's "basic_text" backend, a hard-coded key).
 */
export interface StringCipher {
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

/** Secrets as files encrypted by the OS, one per secret name, written atomically with mode 0600. */
export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'safe-storage';

  constructor(
    private readonly dir: string,
    private readonly cipher: StringCipher,
  ) {}

  async get(name: SecretName): Promise<string | null> {
    try {
      return this.cipher.decrypt(await readFile(this.fileOf(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async set(name: SecretName, value: string): Promise<void> {
    const file = this.fileOf(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(`${file}.tmp`, this.cipher.encrypt(value), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  async delete(name: SecretName): Promise<void> {
    await rm(this.fileOf(name), { force: true });
  }

  private fileOf(name: SecretName): string {
    if (!SECRET_NAMES.includes(name)) throw new Error(`unknown secret name ${JSON.stringify(name)}`);
    return path.join(this.dir, `${name}.enc`);
  }
}
