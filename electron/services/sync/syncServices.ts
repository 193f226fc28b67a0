import type { StationEvents } from '../../events';
import type { Logger } from '../../log';
import type { JournalStore } from '../journal/journalStore';
import { NetworkMonitor } from '../network/networkMonitor';
import { SyncEngine } from './syncEngine';

/** What a host provides to run transcript sync against its configured Supabase project. */
export interface SyncServicesDeps {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly journals: JournalStore;
  readonly events: Pick<StationEvents, 'emit'>;
  readonly log: Logger;
  /** Electron: `() => net.isOnline()` (from an adapter); the web host: `() => true`. */
  readonly isOnline: () => boolean;
  /** The auth service's current access token, or null when signed out. */
  readonly getAccessToken: () => Promise<string | null>;
}

/** The network monitor and the sync engine, wired to each other and to the renderer's events. */
export interface SyncServices {
  readonly network: NetworkMonitor;
  readonly sync: SyncEngine;
  /** First network check, then the start-up pass over every journal's unsynced entries. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function createSyncServices(deps: SyncServicesDeps): SyncServices {
  const network = new NetworkMonitor({
    isOnline: deps.isOnline,
    supabaseUrl: deps.supabaseUrl,
    anonKey: deps.anonKey,
    log: deps.log.child('network'),
    emit: (state) => deps.events.emit('network:state-changed', state),
  });
  const sync = new SyncEngine({
    journals: deps.journals,
    supabaseUrl: deps.supabaseUrl,
    anonKey: deps.anonKey,
    getAccessToken: deps.getAccessToken,
    log: deps.log.child('sync'),
    emit: (status) => deps.events.emit('sync:status-changed', status),
    network,
  });
  return {
    network,
    sync,
    async start() {
      await network.start();
      await sync.start();
    },
    async dispose() {
      network.dispose();
      await sync.dispose();
    },
  };
}
