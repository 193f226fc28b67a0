import type { SecretName, SecretStore } from '../secrets/secretStore';

/** The key supabase-js keeps its session under; set as `storageKey` on the client. */
export const SESSION_STORAGE_KEY: SecretName = 'supabase-session';

/** The storage interface supabase-js's auth client accepts. */
export interface AuthStorage {
  getItem(key: string): Promise<string | null> | string | null;
  setItem(key: string, value: string): Promise<void> | void;
  removeItem(key: string): Promise<void> | void;
}

/**
 * supabase-js's storage, backed by the secret store: the session (access and refresh token) goes
 * to the OS vault or safeStorage, never to a plain file. Any other key supabase-js might use stays
 * in memory.
 */
export function secretStorageAdapter(secrets: SecretStore): AuthStorage {
  const memory = new Map<string, string>();
  return {
    getItem: (key) => (key === SESSION_STORAGE_KEY ? secrets.get(SESSION_STORAGE_KEY) : (memory.get(key) ?? null)),
    setItem: (key, value) => (key === SESSION_STORAGE_KEY ? secrets.set(SESSION_STORAGE_KEY, value) : void memory.set(key, value)),
    removeItem: (key) => (key === SESSION_STORAGE_KEY ? secrets.delete(SESSION_STORAGE_KEY) : void memory.delete(key)),
  };
}
