import type { StationEvents } from '../events';
import type { Logger } from '../log';
import type { ConnectionMode, TranscriptEntry } from '@interview-station/contracts';
import { AuthService } from './auth/authService';
import { InterviewService } from './interview/interviewService';
import type { JournalStore } from './journal/journalStore';
import { isReachable } from './network/networkMonitor';
import type { SecretStore } from './secrets/secretStore';
import type { StationSessions } from './sessions/stationSessions';
import { createSyncServices, type SyncServices } from './sync/syncServices';

export interface SupabaseServicesDeps {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly secrets: SecretStore;
  readonly journals: JournalStore;
  readonly events: StationEvents;
  /** Electron's `net.isOnline()`; the web host has no better signal than `() => true`. */
  readonly isOnline: () => boolean;
  /** The enrolled station interviews start on (managed configuration). */
  readonly stationId: string | undefined;
  /** Where sideband transcripts from the token service go (the journal). */
  readonly onSidebandTranscript: (entry: TranscriptEntry) => void;
  readonly onInterviewActive?: (active: boolean) => void;
  /** The sessions this station started; every interview started here is recorded in it. */
  readonly sessions: StationSessions;
  /** The managed configuration's connection mode, asked of `interview-start`. */
  readonly connectionMode: ConnectionMode;
  readonly log: Logger;
}

/** Everything that talks to Supabase and the token service: sign-in, interviews, the network monitor, transcript sync. */
export interface SupabaseServices {
  readonly auth: AuthService;
  readonly syncing: SyncServices;
  readonly interviews: InterviewService;
  dispose(): Promise<void>;
}

/**
 * Wires sign-in and sync to each other: sync uploads with the signed-in user's token and resumes
 * on sign-in; the auth state says "offline" while the network monitor cannot reach Supabase.
 */
export async function startSupabaseServices(deps: SupabaseServicesDeps): Promise<SupabaseServices> {
  let signedInAs: string | null = null;
  // auth and syncing refer to each other; neither calls the other before both exist.
  const auth: AuthService = new AuthService({
    supabaseUrl: deps.supabaseUrl,
    anonKey: deps.anonKey,
    secrets: deps.secrets,
    isOffline: () => !isReachable(syncing.network.state()),
    onChange: (state) => {
      deps.events.emit('auth:state-changed', state);
      // Only a new sign-in brings new credentials; re-announcing the state (network changes) does not.
      const userId = state.status === 'signed-in' ? state.user.id : null;
      if (userId !== null && userId !== signedInAs) syncing.sync.credentialsChanged();
      signedInAs = userId;
    },
    log: deps.log.child('auth'),
  });
  const syncing: SyncServices = createSyncServices({
    supabaseUrl: deps.supabaseUrl,
    anonKey: deps.anonKey,
    journals: deps.journals,
    events: deps.events,
    log: deps.log,
    isOnline: deps.isOnline,
    getAccessToken: () => auth.accessToken(),
  });
  const interviews = new InterviewService({
    supabaseUrl: deps.supabaseUrl,
    anonKey: deps.anonKey,
    stationId: deps.stationId,
    getAccessToken: () => auth.accessToken(),
    onSidebandTranscript: deps.onSidebandTranscript,
    onActiveChange: deps.onInterviewActive,
    onStarted: (sessionId) => deps.sessions.started(sessionId),
    connectionMode: deps.connectionMode,
    log: deps.log.child('interview'),
  });
  await auth.start();
  syncing.network.subscribe(() => auth.publish());
  // The first network probe and the start-up sync pass must not hold up the window.
  void syncing.start().catch((error: unknown) => deps.log.warn('sync did not start', { error }));
  return {
    auth,
    syncing,
    interviews,
    dispose: async () => {
      interviews.dispose();
      auth.dispose();
      await syncing.dispose();
    },
  };
}
