import path from 'node:path';
import type { StationConfig } from '@interview-station/contracts';
import { StationEvents } from './events';
import type { Logger } from './log';
import { AuthService } from './services/auth/authService';
import { ConfigService } from './services/config/configService';
import { ActiveInterviews } from './services/interview/activeInterviews';
import { InterviewService } from './services/interview/interviewService';
import { LocalInterviews } from './services/interview/localInterviews';
import { checkStationHealth } from './services/interview/stationHealth';
import { UploadHealthRelay } from './services/interview/uploadHealth';
import { JournalStore } from './services/journal/journalStore';
import { isReachable, NetworkMonitor } from './services/network/networkMonitor';
import { lockoutFile } from './services/proctor/lockoutFile';
import { LOCKOUT_MS, ProctorService, type KioskControl } from './services/proctor/proctorService';
import type { SecretStore } from './services/secrets/secretStore';
import { StationSessions } from './services/sessions/stationSessions';
import { SyncEngine } from './services/sync/syncEngine';
import { TranscriptService } from './services/transcriptService';

/** What a host gives the composition: its configuration and the adapters for its platform. */
export interface CompositionDeps {
  readonly config: StationConfig;
  readonly log: Logger;
  /** The station's own data folder (Electron's userData; a per-user or test folder for the web host). */
  readonly dataDir: string;
  readonly secrets: SecretStore;
  /** Leaving kiosk mode and quitting, as the host does them (after a proctor unlock). */
  readonly kiosk: KioskControl;
  /** Electron's `net.isOnline()`; the web host passes nothing (always "online", the probe decides). */
  readonly isOnline?: () => boolean;
  /** Keeps the display awake while an interview runs (Electron's powerSaveBlocker). */
  readonly keepAwake?: (active: boolean) => void;
}

/** The services that talk to the configured Supabase project and its token service. */
export interface ProjectServices {
  readonly network: NetworkMonitor;
  readonly auth: AuthService;
  readonly sync: SyncEngine;
  readonly interviews: InterviewService;
}

/** Every main-process service, built once. `project` is null when no Supabase project is configured. */
export interface StationServices {
  readonly config: ConfigService;
  readonly events: StationEvents;
  readonly journals: JournalStore;
  readonly sessions: StationSessions;
  /** The interviews this station started (candidate reference, when, ended), with the durable end queue. */
  readonly localInterviews: LocalInterviews;
  readonly transcripts: TranscriptService;
  readonly proctor: ProctorService;
  readonly project: ProjectServices | null;
  /** Probes Supabase, the token service and the Realtime API now (`station:health`). */
  health(): ReturnType<typeof checkStationHealth>;
  dispose(): Promise<void>;
}

/**
 * The composition root: every service built here, in dependency order (network → auth → sync →
 * transcripts → interviews), each given what it needs through its constructor, and every link
 * between them an explicit subscription below. Both hosts use it through `createStation`.
 */
export async function composeServices(deps: CompositionDeps): Promise<StationServices> {
  const { config: stationConfig, log } = deps;
  const events = new StationEvents();
  const journals = new JournalStore(path.join(deps.dataDir, 'journal'));
  const sessions = new StationSessions(journals);
  const localInterviews = await LocalInterviews.open(path.join(deps.dataDir, 'interviews.json'), log.child('interviews'));
  const { supabaseUrl, supabaseAnonKey: anonKey } = stationConfig;
  const project = supabaseUrl && anonKey ? { supabaseUrl, anonKey } : null;

  const network = project
    ? new NetworkMonitor({ isOnline: deps.isOnline ?? (() => true), ...project, log: log.child('network'), emit: (s) => events.emit('network:state-changed', s) })
    : null;
  const auth = project && network ? new AuthService({ ...project, secrets: deps.secrets, isOffline: () => !isReachable(network.state()), log: log.child('auth') }) : null;
  const sync =
    project && auth && network
      ? new SyncEngine({ journals, ...project, getAccessToken: () => auth.accessToken(), network, log: log.child('sync'), emit: (s) => events.emit('sync:status-changed', s) })
      : null;
  const transcripts = new TranscriptService(journals, undefined, (entry) => sync?.entryDurable(entry));
  const interviews =
    project && auth
      ? new InterviewService({
          ...project,
          stationId: stationConfig.stationId,
          connectionMode: stationConfig.connectionMode,
          maxInterviewMinutes: stationConfig.maxInterviewMinutes,
          getAccessToken: () => auth.accessToken(),
          onSidebandTranscript: (entry) => void transcripts.record(entry).catch((error: unknown) => log.error('sideband transcript not journaled', { error })),
          onActiveChange: deps.keepAwake,
          onStarted: (sessionId) => sessions.started(sessionId),
          onStateChanged: (event) => events.emit('interview:state-changed', event),
          active: new ActiveInterviews(deps.secrets, log.child('interview')),
          register: localInterviews,
          log: log.child('interview'),
        })
      : null;
  const proctor = new ProctorService({
    pinHash: stationConfig.proctorPinHash,
    kiosk: deps.kiosk,
    log: log.child('proctor'),
    // Wrong PINs and lockouts survive a restart.
    lockout: lockoutFile(path.join(deps.dataDir, 'proctor-lockout.json'), LOCKOUT_MS),
  });

  // The links between services, each one explicit.
  const unsubscribe: (() => unknown)[] = [];
  if (auth && sync && network && interviews) {
    unsubscribe.push(
      auth.onStateChanged((state) => events.emit('auth:state-changed', state)),
      auth.onSignedIn(() => sync.credentialsChanged()),
      network.subscribe(() => auth.publish()),
      // Interview ends Supabase could not be told of are recorded once it is reachable again.
      network.subscribe((state) => isReachable(state) && void interviews.confirmEnds()),
    );
    const uploads = new UploadHealthRelay(() => interviews.activeSessionIds(), (event) => events.emit('interview:state-changed', event));
    unsubscribe.push(
      events.on('sync:status-changed', (status) => uploads.statusChanged(status)),
      interviews.onLive((sessionId) => uploads.sessionLive(sessionId)),
    );
    await auth.start();
    // An interview a crash or restart interrupted is this station's again (its session JWT is read
    // back from the secret store), and the ends queued on disk are queued again. Not awaited here:
    // interview:active waits for it, the window does not.
    void interviews.restore().catch((error: unknown) => log.error('could not restore the interviews in progress', { error }));
    // The first network probe and the start-up sync pass must not hold up the window.
    void network
      .start()
      .then(() => {
        if (isReachable(network.state())) void interviews.confirmEnds();
        return sync.start();
      })
      .catch((error: unknown) => log.warn('sync did not start', { error }));
  }
  journals
    .removeSyncedOlderThan(stationConfig.journalRetentionDays)
    .then((removed) => removed.length > 0 && log.info('removed synced journals past retention', { count: removed.length }))
    .catch((error: unknown) => log.warn('journal retention failed', { error }));

  return {
    config: new ConfigService(stationConfig),
    events,
    journals,
    sessions,
    localInterviews,
    transcripts,
    proctor,
    project: network && auth && sync && interviews ? { network, auth, sync, interviews } : null,
    health: () =>
      checkStationHealth({
        network,
        tokenServiceUrl: () => interviews?.tokenServiceUrl() ?? stationConfig.tokenServiceUrl,
        realtimeUrl: stationConfig.realtimeUrl,
        connectionMode: stationConfig.connectionMode,
      }),
    dispose: async () => {
      for (const stop of unsubscribe) stop();
      interviews?.dispose();
      auth?.dispose();
      network?.dispose();
      await sync?.dispose();
      await journals.close();
    },
  };
}
