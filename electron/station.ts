import type { StationConfig } from '@interview-station/contracts';
import { StationEvents } from './events';
import type { StationHandlers } from './ipc/router';
import type { Logger } from './log';
import path from 'node:path';
import { ConfigService } from './services/configService';
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
