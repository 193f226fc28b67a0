import path from 'node:path';
import { IPC_CHANNELS, StationFailure, type IpcChannel, type IpcParsedInput, type StationConfig, type StationError } from '@interview-station/contracts';
import { StationEvents } from './events';
import type { StationHandlers } from './ipc/router';
import type { Logger } from './log';
import { ConfigService } from './services/config/configService';
import { loadStationConfig, type ConfigSources } from './services/config/loadConfig';
import { JournalStore } from './services/journal/journalStore';
import type { PlatformInfo } from './services/platformInfo';
import { lockoutFile } from './services/proctor/lockoutFile';
import { LOCKOUT_MS, ProctorService, type KioskControl } from './services/proctor/proctorService';
import { chooseSecretStore } from './services/secrets/chooseSecretStore';
import { StationSessions, type SessionScope } from './services/sessions/stationSessions';
import type { StringCipher } from './services/secrets/encryptedFileSecretStore';
import type { SecretStore } from './services/secrets/secretStore';
import { startSupabaseServices, type SupabaseServices } from './services/supabaseServices';
import { TranscriptService } from './services/transcriptService';

/** What a host gives the station: the adapters for the platform it runs on. */
export interface StationDeps {
  readonly platform: PlatformInfo;
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

/** The main-process services, wired once, carried by either host. */
export interface Station {
  /** The resolved configuration; null when it was invalid (every channel then says why). */
  readonly config: StationConfig | null;
  readonly handlers: StationHandlers;
  readonly events: StationEvents;
  dispose(): Promise<void>;
}

/** The channels whose input names an interview session. */
export type SessionChannel = { [C in IpcChannel]: IpcParsedInput<C> extends { sessionId: string } ? C : never }[IpcChannel];

/**
 * How far back each session channel recognizes a session (see StationSessions). Typed over every
 * channel whose input has a `sessionId`, so a new one cannot be added without deciding its scope.
 * The calls that need the session JWT main holds only for this run's sessions are `run`; the
 * transcript's, and ending an interview a crash interrupted, are `station`.
 */
export const SESSION_SCOPES: Record<SessionChannel, SessionScope> = {
  'interview:live': 'run',
  'interview:end': 'station',
  'realtime:token': 'run',
  'realtime:sdp-offer': 'run',
  'transcript:append': 'station',
  'transcript:list': 'station',
  'transcript:export': 'station',
};

/**
 * Every session channel's handler refuses, before it runs, an id this station did not start: main
 * never writes into, ends or reads another proctor's interview because the renderer named it.
 */
function guardSessions(handlers: StationHandlers, sessions: StationSessions): StationHandlers {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const [channel, scope] of Object.entries(SESSION_SCOPES) as [SessionChannel, SessionScope][]) {
    const handler = handlers[channel] as ((input: { sessionId: string }) => Promise<unknown>) | undefined;
    if (!handler) continue;
    guarded[channel] = async (input: { sessionId: string }) => {
      await sessions.require(input.sessionId, scope);
      return handler(input);
    };
  }
  return guarded as StationHandlers;
}

function notConnected(): Promise<never> {
  return Promise.reject(
    StationFailure.of('CONFIGURATION_INVALID', 'This station is not connected to a project: the policy needs supabaseUrl and supabaseAnonKey.'),
  );
}

/**
 * Wires the services to their channels. Without Supabase in the configuration, the channels that
 * need it answer CONFIGURATION_INVALID.
 */
export async function createStation(deps: StationDeps): Promise<Station> {
  const config = new ConfigService(deps.config);
  const events = new StationEvents();
  const journals = new JournalStore(path.join(deps.dataDir, 'journal'));
  const sessions = new StationSessions(journals);
  // Sync learns of new entries, and the journal of sideband ones, through each other.
  const online: { services?: SupabaseServices } = {};
  const transcripts = new TranscriptService(journals, undefined, (entry) => online.services?.syncing.sync.entryDurable(entry));
  const { supabaseUrl, supabaseAnonKey } = deps.config;
  if (supabaseUrl && supabaseAnonKey) {
    online.services = await startSupabaseServices({
      supabaseUrl,
      anonKey: supabaseAnonKey,
      secrets: deps.secrets,
      journals,
      events,
      isOnline: deps.isOnline ?? (() => true),
      stationId: deps.config.stationId,
      onInterviewActive: deps.keepAwake,
      onSidebandTranscript: (entry) => void transcripts.record(entry).catch((error: unknown) => deps.log.error('sideband transcript not journaled', { error })),
      sessions,
      connectionMode: deps.config.connectionMode,
      log: deps.log,
    });
  }
  const supabase = online.services;
  const auth = supabase?.auth;
  /** A handler that needs the project; without one it answers CONFIGURATION_INVALID. */
  const withProject =
    <I, O>(call: (services: SupabaseServices, input: I) => Promise<O>) =>
    (input: I): Promise<O> =>
      supabase ? call(supabase, input) : notConnected();
  const proctor = new ProctorService({
    pinHash: deps.config.proctorPinHash,
    kiosk: deps.kiosk,
    log: deps.log.child('proctor'),
    // Wrong PINs and lockouts survive a restart.
    lockout: lockoutFile(path.join(deps.dataDir, 'proctor-lockout.json'), LOCKOUT_MS),
  });
  journals
    .removeSyncedOlderThan(deps.config.journalRetentionDays)
    .then((removed) => removed.length > 0 && deps.log.info('removed synced journals past retention', { count: removed.length }))
    .catch((error: unknown) => deps.log.warn('journal retention failed', { error }));

  const handlers: StationHandlers = guardSessions({
    'app:info': async () => deps.platform.appInfo(),
    'config:get': async () => config.publicView(),
    'auth:sign-in': withProject((s, input: IpcParsedInput<'auth:sign-in'>) => s.auth.signIn(input.email, input.password)),
    'auth:sign-out': withProject((s) => s.auth.signOut()),
    'auth:state': async () => auth?.state() ?? { status: 'signed-out', storage: deps.secrets.kind },
    'interview:start': withProject((s, input: IpcParsedInput<'interview:start'>) => s.interviews.start(input)),
    'interview:live': withProject((s, input: IpcParsedInput<'interview:live'>) => s.interviews.live(input)),
    'interview:end': withProject((s, input: IpcParsedInput<'interview:end'>) => s.interviews.end(input)),
    'realtime:token': withProject((s, input: IpcParsedInput<'realtime:token'>) => s.interviews.realtimeToken(input)),
    'realtime:sdp-offer': withProject((s, input: IpcParsedInput<'realtime:sdp-offer'>) => s.interviews.sdpOffer(input)),
    'transcript:append': (input) => transcripts.append(input),
    'transcript:list': (input) => transcripts.list(input),
    'transcript:export': (input) => transcripts.export(input),
    'sync:status': async () => supabase?.syncing.sync.status() ?? { state: 'idle', pending: 0, lastSuccessAt: null, lastError: null, setAside: 0, setAsideReason: null },
    'network:state': async () =>
      supabase?.syncing.network.state() ?? { online: deps.isOnline?.() ?? true, supabaseReachable: false, checkedAt: new Date().toISOString() },
    'proctor:unlock': (input) => proctor.unlock(input),
  }, sessions);
  deps.log.info('station services ready', { connectionMode: deps.config.connectionMode, storage: deps.secrets.kind });
  return {
    config: deps.config,
    handlers,
    events,
    dispose: async () => {
      await supabase?.dispose();
      await journals.close();
    },
  };
}

/**
 * The station when its configuration is invalid: it says what `app:info` asks, and every other
 * channel answers the configuration error (file and key), so nothing runs half-configured.
 */
export function createConfigErrorStation(platform: PlatformInfo, error: StationError): Station {
  const refuse = async (): Promise<never> => Promise.reject(new StationFailure(error));
  const handlers: Record<string, unknown> = Object.fromEntries(IPC_CHANNELS.map((channel) => [channel, refuse]));
  handlers['app:info'] = async () => platform.appInfo();
  return { config: null, handlers: handlers as StationHandlers, events: new StationEvents(), dispose: async () => undefined };
}

export interface OpenStationDeps extends Omit<StationDeps, 'config' | 'secrets'> {
  readonly configSources: ConfigSources;
  /** Electron's safeStorage, the secret store's fallback when the OS vault is unavailable. */
  readonly cipher?: StringCipher;
}

/** Loads the configuration and picks the secret store, then wires the station (or the configuration-error station). */
export async function openStation(deps: OpenStationDeps): Promise<Station> {
  const config = await loadStationConfig(deps.configSources);
  if (!config.ok) {
    deps.log.error('configuration invalid; the station will not start', { field: config.error.field, problem: config.error.message });
    return createConfigErrorStation(deps.platform, config.error);
  }
  const { store } = await chooseSecretStore({
    service: deps.platform.appInfo().name,
    dir: path.join(deps.dataDir, 'secrets'),
    cipher: deps.cipher,
    log: deps.log.child('secrets'),
  });
  return createStation({ ...deps, config: config.value, secrets: store });
}
