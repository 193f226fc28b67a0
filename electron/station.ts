import { IPC_CHANNELS, StationFailure, type StationConfig, type StationError } from '@interview-station/contracts';
import { StationEvents } from './events';
import type { StationHandlers } from './ipc/router';
import type { Logger } from './log';
import path from 'node:path';
import { ConfigService } from './services/config/configService';
import { loadStationConfig, type ConfigSources } from './services/config/loadConfig';
import { JournalStore } from './services/journal/journalStore';
import type { PlatformInfo } from './services/platformInfo';
import { TranscriptService } from './services/transcriptService';

/** What a host gives the station: the adapters for the platform it runs on. */
export interface StationDeps {
  readonly platform: PlatformInfo;
  readonly config: StationConfig;
  readonly log: Logger;
  /** The station's own data folder (Electron's userData; a per-user or test folder for the web host). */
  readonly dataDir: string;
}

/** The main-process services, wired once, carried by either host. */
export interface Station {
  readonly handlers: StationHandlers;
  readonly events: StationEvents;
  dispose(): Promise<void>;
}

/**
 * Wires the services to their channels. Channels whose services are not built yet (auth,
 * interview, realtime, sync, proctor) are absent and answer NOT_IMPLEMENTED.
 */
export function createStation(deps: StationDeps): Station {
  const config = new ConfigService(deps.config);
  const events = new StationEvents();
  const journals = new JournalStore(path.join(deps.dataDir, 'journal'));
  const transcripts = new TranscriptService(journals);
  const handlers: StationHandlers = {
    'app:info': async () => deps.platform.appInfo(),
    'config:get': async () => config.publicView(),
    'transcript:append': (input) => transcripts.append(input),
    'transcript:list': (input) => transcripts.list(input),
  };
  deps.log.info('station services ready', { connectionMode: deps.config.connectionMode });
  return { handlers, events, dispose: () => journals.close() };
}

/**
 * The station when its configuration is invalid: it says what `app:info` asks, and every other
 * channel answers the configuration error (file and key), so nothing runs half-configured.
 */
export function createConfigErrorStation(platform: PlatformInfo, error: StationError): Station {
  const refuse = async (): Promise<never> => Promise.reject(new StationFailure(error));
  const handlers: Record<string, unknown> = Object.fromEntries(IPC_CHANNELS.map((channel) => [channel, refuse]));
  handlers['app:info'] = async () => platform.appInfo();
  return { handlers: handlers as StationHandlers, events: new StationEvents(), dispose: async () => undefined };
}

/** Loads the configuration, then wires the station, or the configuration-error station. */
export async function openStation(deps: Omit<StationDeps, 'config'> & { readonly configSources: ConfigSources }): Promise<Station> {
  const config = await loadStationConfig(deps.configSources);
  if (!config.ok) {
    deps.log.error('configuration invalid; the station will not start', { field: config.error.field, problem: config.error.message });
    return createConfigErrorStation(deps.platform, config.error);
  }
  return createStation({ ...deps, config: config.value });
}
