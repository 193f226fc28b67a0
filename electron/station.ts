import type { StationConfig } from '@interview-station/contracts';
import { StationEvents } from './events';
import type { StationHandlers } from './ipc/router';
import type { Logger } from './log';
import { ConfigService } from './services/configService';
import type { PlatformInfo } from './services/platformInfo';

/** What a host gives the station: the adapters for the platform it runs on. */
export interface StationDeps {
  readonly platform: PlatformInfo;
  readonly config: StationConfig;
  readonly log: Logger;
}

/** The main-process services, wired once, carried by either host. */
export interface Station {
  readonly handlers: StationHandlers;
  readonly events: StationEvents;
  dispose(): Promise<void>;
}

/**
 * Wires the services to their channels. Channels whose services later issues build (auth,
 * interview, realtime, transcript, sync, proctor) are absent and answer NOT_IMPLEMENTED.
 */
export function createStation(deps: StationDeps): Station {
  const config = new ConfigService(deps.config);
  const events = new StationEvents();
  const handlers: StationHandlers = {
    'app:info': async () => deps.platform.appInfo(),
    'config:get': async () => config.publicView(),
  };
  deps.log.info('station services ready', { connectionMode: deps.config.connectionMode });
  return { handlers, events, dispose: async () => undefined };
}
