import type { SecretName, SecretStore } from './secretStore';

/** The part of keytar the station uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Secrets in the OS credential vault: Keychain, Windows Credential Manager, Secret Service. */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain';

  constructor(
    private readonly keytar: KeytarApi,
    private readonly service: string,
  ) {}

  get(name: SecretName): Promise<string | null> {
    return this.keytar.getPassword(this.service, name);
  }

  set(name: SecretName, value: string): Promise<void> {
    return this.keytar.setPassword(this.service, name, value);
  }

  async delete(name: SecretName): Promise<void> {
    await this.keytar.deletePassword(this.service, name);
  }
}

/** keytar is a native module: loaded only when needed, and its absence is not fatal. */
export async function loadKeytar(): Promise<KeytarApi> {
  const loaded = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return loaded.default ?? loaded;
}

/** Loads keytar and checks the vault answers; otherwise says why not. */
export async function openKeytar(service: string, load: () => Promise<KeytarApi> = loadKeytar): Promise<KeytarSecretStore | { unavailable: string }> {
  let keytar: KeytarApi;
  try {
    keytar = await load();
  } catch (error) {
    return { unavailable: `keytar could not load (${(error as Error).message})` };
  }
  try {
    await keytar.getPassword(service, 'probe');
    return new KeytarSecretStore(keytar, service);
  } catch (error) {
    return { unavailable: `the OS credential vault did not answer (${(error as Error).message})` };
  }
}
