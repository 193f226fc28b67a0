import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import {
  edgeFunctionUrl,
  StationContextResponseSchema,
  StationFailure,
  type AuthState,
  type StationContextResponse,
} from '@interview-station/contracts';
import type { Logger } from '../../log';
import { postJson } from '../http/postJson';
import type { SecretStore } from '../secrets/secretStore';
import { secretStorageAdapter, SESSION_STORAGE_KEY } from './secretStorageAdapter';

export interface AuthServiceDeps {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly secrets: SecretStore;
  /** True while the network monitor finds Supabase unreachable. */
  readonly isOffline: () => boolean;
  /** Told of every announced state (also available as `onStateChanged` subscriptions). */
  readonly onChange?: (state: AuthState) => void;
  readonly log: Logger;
}

type StationUser = StationContextResponse['user'];

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Who is signed in is cached beside the session, so an offline start still knows the role. */
const USER_SECRET = 'station-user';

/**
 * Sign-in for the main process: supabase-js with its session in the secret store, plus the user's
 * role and tenant from `station-context`. The renderer only ever sees `state()`, never a token.
 */
export class AuthService {
  private readonly client: SupabaseClient;
  private user: StationUser | null = null;
  private readonly stateListeners = new Set<(state: AuthState) => void>();
  private readonly signInListeners = new Set<() => void>();
  /** Who the last announced state said was signed in: a new id means new credentials. */
  private announcedUserId: string | null = null;

  constructor(private readonly deps: AuthServiceDeps) {
    this.client = createClient(deps.supabaseUrl, deps.anonKey, {
      auth: {
        storage: secretStorageAdapter(deps.secrets),
        storageKey: SESSION_STORAGE_KEY,
        persistSession: true,
        autoRefreshToken: true,
        detectSessionInUrl: false,
      },
      // Node 20 has no global WebSocket; the realtime client is never used, but it is constructed.
      realtime: { transport: WebSocket as never },
    });
    // A refresh that fails for good (revoked, expired) ends the session inside supabase-js; the
    // station must stop saying "signed in" then, and forget who it was.
    this.client.auth.onAuthStateChange((event) => {
      if (event === 'SIGNED_OUT' && this.user) void this.forget().then(() => this.publish());
    });
  }

  /** Restores a session left by an earlier run, online or not. */
  async start(): Promise<AuthState> {
    const cachedUser = await this.deps.secrets.get(USER_SECRET);
    const stored = await this.deps.secrets.get(SESSION_STORAGE_KEY);
    if (stored && cachedUser) {
      const parsed = StationContextResponseSchema.shape.user.safeParse(parseJson(cachedUser));
      if (parsed.success) this.user = parsed.data;
      else this.deps.log.warn('cached user unreadable; sign in again');
    }
    return this.publish();
  }

  async signIn(email: string, password: string): Promise<AuthState> {
    const { data, error } = await this.client.auth.signInWithPassword({ email, password });
    if (error || !data.session) {
      if (error?.status === undefined || error.status >= 500 || error.name === 'AuthRetryableFetchError') {
        throw StationFailure.of('NETWORK_OFFLINE', 'Cannot reach the sign-in service. Check the network and try again.');
      }
      this.deps.log.warn('sign-in refused', { status: error.status, code: error.code });
      throw StationFailure.of('AUTHENTICATION_FAILED', 'Wrong email or password.');
    }
    try {
      this.user = await this.fetchUser(data.session.access_token);
    } catch (failure) {
      await this.signOut();
      throw failure;
    }
    await this.deps.secrets.set(USER_SECRET, JSON.stringify(this.user));
    this.deps.log.info('signed in', { userId: this.user.id, tenantId: this.user.tenantId, role: this.user.role });
    return this.publish();
  }

  async signOut(): Promise<AuthState> {
    // Local scope: the station forgets the session even when the server cannot be told.
    await this.client.auth.signOut({ scope: 'local' }).catch(() => undefined);
    await this.forget();
    return this.publish();
  }

  private async forget(): Promise<void> {
    this.user = null;
    await this.deps.secrets.delete(SESSION_STORAGE_KEY);
    await this.deps.secrets.delete(USER_SECRET);
  }

  state(): AuthState {
    if (!this.user) return { status: 'signed-out', storage: this.deps.secrets.kind };
    return { status: 'signed-in', user: this.user, offline: this.deps.isOffline(), storage: this.deps.secrets.kind };
  }

  /** A current access token for calls main makes on the user's behalf (refreshed as needed). */
  async accessToken(): Promise<string | null> {
    if (!this.user) return null;
    const { data } = await this.client.auth.getSession();
    return data.session?.access_token ?? null;
  }

  /** Re-announces the state, e.g. when the network comes and goes. */
  publish(): AuthState {
    const state = this.state();
    this.deps.onChange?.(state);
    for (const listener of [...this.stateListeners]) listener(state);
    // Only a new sign-in brings new credentials; re-announcing the state (network changes) does not.
    const userId = state.status === 'signed-in' ? state.user.id : null;
    const newSignIn = userId !== null && userId !== this.announcedUserId;
    this.announcedUserId = userId;
    if (newSignIn) for (const listener of [...this.signInListeners]) listener();
    return state;
  }

  /** Every announced state (sign-in, sign-out, offline and back). */
  onStateChanged(listener: (state: AuthState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** A user signed in (or a stored session was restored): there are new credentials to use. */
  onSignedIn(listener: () => void): () => void {
    this.signInListeners.add(listener);
    return () => this.signInListeners.delete(listener);
  }

  dispose(): void {
    this.stateListeners.clear();
    this.signInListeners.clear();
    void this.client.auth.stopAutoRefresh();
  }

  private async fetchUser(accessToken: string): Promise<StationUser> {
    const context = await postJson(
      edgeFunctionUrl(this.deps.supabaseUrl, 'station-context'),
      {},
      { authorization: `Bearer ${accessToken}`, apikey: this.deps.anonKey },
      StationContextResponseSchema,
      'NETWORK_OFFLINE',
    );
    return context.user;
  }
}
