/** Where secrets live; the renderer is told which, so it can say why a sign-in will not survive a restart. */
export type SecretStorageKind = 'keychain' | 'safe-storage' | 'memory';

/** Names of the secrets the station keeps. Only these become keys or file names. */
/** `active-interviews`: the interviews in progress with their session JWTs, so a restart can continue them. */
export const SECRET_NAMES = ['supabase-session', 'station-user', 'active-interviews'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * Secure storage for tokens. Implementations never write a secret in plain text: the OS vault
 * (keytar), files encrypted by the OS (Electron safeStorage), or memory only.
 */
export interface SecretStore {
  readonly kind: SecretStorageKind;
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly values = new Map<SecretName, string>();

  async get(name: SecretName): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.values.set(name, value);
  }

  async delete(name: SecretName): Promise<void> {
    this.values.delete(name);
  }
}
