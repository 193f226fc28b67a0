import path from 'node:path';
import { IPC_CHANNELS, StationFailure, type IpcChannel, type IpcParsedInput, type StationConfig, type StationError } from '@interview-station/contracts';
import { composeServices, type CompositionDeps, type ProjectServices } from './composition';
import { StationEvents } from './events';
import type { StationHandlers } from './ipc/router';
import { loadStationConfig, type ConfigSources } from './services/config/loadConfig';
import type { PlatformInfo } from './services/platformInfo';
import { listLocalInterviews } from './services/interview/listLocal';
import { chooseSecretStore } from './services/secrets/chooseSecretStore';
import type { StationSessions, SessionScope } from './services/sessions/stationSessions';
import type { StringCipher } from './services/secrets/encryptedFileSecretStore';

/** What a host gives the station: the adapters for the platform it runs on. */
export interface StationDeps extends CompositionDeps {
  readonly platform: PlatformInfo;
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
  'transcript:append-batch': 'station',
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
 * Builds the services (composition.ts) and maps each channel onto them. Without Supabase in the
 * configuration, the channels that need it answer CONFIGURATION_INVALID.
 */
export async function createStation(deps: StationDeps): Promise<Station> {
  const services = await composeServices(deps);
  const { project, transcripts, proctor, config, events, sessions } = services;
  /** A handler that needs the project; without one it answers CONFIGURATION_INVALID. */
  const withProject =
    <I, O>(call: (project: ProjectServices, input: I) => Promise<O>) =>
    (input: I): Promise<O> =>
      project ? call(project, input) : notConnected();

  const handlers: StationHandlers = guardSessions(
    {
      'app:info': async () => deps.platform.appInfo(),
      'config:get': async () => config.publicView(),
      'auth:sign-in': withProject((p, input: IpcParsedInput<'auth:sign-in'>) => p.auth.signIn(input.email, input.password)),
      'auth:sign-out': withProject((p) => p.auth.signOut()),
      'auth:state': async () => project?.auth.state() ?? { status: 'signed-out', storage: deps.secrets.kind },
      'interview:start': withProject((p, input: IpcParsedInput<'interview:start'>) => p.interviews.start(input)),
      'interview:templates': withProject((p) => p.interviews.templates()),
      'interview:live': withProject((p, input: IpcParsedInput<'interview:live'>) => p.interviews.live(input)),
      'interview:end': withProject((p, input: IpcParsedInput<'interview:end'>) => p.interviews.end(input)),
      'interview:active': async () => (project ? project.interviews.activeInterview() : { interview: null }),
      'interview:list-local': () =>
        listLocalInterviews({
          journals: services.journals,
          register: services.localInterviews,
          activeIds: project?.interviews.activeSessionIds() ?? [],
          pendingEndIds: project?.interviews.pendingEndIds() ?? [],
        }),
      'realtime:token': withProject((p, input: IpcParsedInput<'realtime:token'>) => p.interviews.realtimeToken(input)),
      'realtime:sdp-offer': withProject((p, input: IpcParsedInput<'realtime:sdp-offer'>) => p.interviews.sdpOffer(input)),
      'transcript:append': (input) => transcripts.append(input),
      'transcript:append-batch': (input) => transcripts.appendBatch(input),
      'transcript:list': (input) => transcripts.list(input),
      'transcript:export': (input) => transcripts.export(input),
      'sync:status': async () => project?.sync.status() ?? { state: 'idle', pending: 0, lastSuccessAt: null, lastError: null, setAside: 0, setAsideReason: null },
      'network:state': async () =>
        project?.network.state() ?? { online: deps.isOnline?.() ?? true, supabaseReachable: false, checkedAt: new Date().toISOString() },
      'station:health': () => services.health(),
      'proctor:unlock': (input) => proctor.unlock(input),
    },
    sessions,
  );
  deps.log.info('station services ready', { connectionMode: deps.config.connectionMode, storage: deps.secrets.kind });
  return { config: deps.config, handlers, events, dispose: () => services.dispose() };
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
