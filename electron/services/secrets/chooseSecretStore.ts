import type { Logger } from '../../log';
import { EncryptedFileSecretStore, type StringCipher } from './encryptedFileSecretStore';
import { openKeytar, type KeytarApi } from './keytarSecretStore';
import { MemorySecretStore, type SecretStore } from './secretStore';

export interface SecretStoreOptions {
  /** Keychain service name, e.g. "Interview Station". */
  readonly service: string;
  /** Folder for safeStorage-encrypted files. */
  readonly dir: string;
  /** Electron's safeStorage; absent in the web host. */
  readonly cipher?: StringCipher;
  readonly loadKeytar?: () => Promise<KeytarApi>;
  readonly log: Logger;
}

export interface ChosenSecretStore {
  readonly store: SecretStore;
  /** Why the first choices were not used; empty when the OS vault is in use. */
  readonly fallbackReasons: readonly string[];
}

/**
 * The OS vault (keytar) first; then files encrypted by Electron's safeStorage; then memory only,
 * so a sign-in lasts until the station quits. Never a token in plain text on disk.
 */
export async function chooseSecretStore(options: SecretStoreOptions): Promise<ChosenSecretStore> {
  const reasons: string[] = [];
  const keytar = await openKeytar(options.service, options.loadKeytar);
  if (!('unavailable' in keytar)) return { store: keytar, fallbackReasons: reasons };
  reasons.push(keytar.unavailable);

  if (options.cipher?.isAvailable()) {
    options.log.warn('OS credential vault unavailable; using safeStorage-encrypted files', { reasons });
    return { store: new EncryptedFileSecretStore(options.dir, options.cipher), fallbackReasons: reasons };
  }
  reasons.push(options.cipher ? 'the OS offers no real encryption for safeStorage' : 'no safeStorage in this host');
  options.log.warn('no secure storage: sign-ins are kept in memory only and end when the station quits', { reasons });
  return { store: new MemorySecretStore(), fallbackReasons: reasons };
}
