import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { StationEvents } from '../../events';
import { silentLogger } from '../../log';
import { JournalStore } from '../journal/journalStore';
import { createSyncServices } from './syncServices';
import { freePort } from '../../../devstack/supabase/freePort';

it('wires the monitor into the engine and pushes both as contract-valid renderer events', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sync-services-'));
  const journals = new JournalStore(dir);
  const events = new StationEvents(); // validates every payload against contracts/ipc.ts
  const seen: [string, unknown][] = [];
  events.subscribe((event, payload) => seen.push([event, payload]));
  const services = createSyncServices({
    supabaseUrl: `http://127.0.0.1:${await freePort()}`,
    anonKey: 'anon-key',
    journals,
    events,
    log: silentLogger,
    isOnline: () => true,
    getAccessToken: async () => 'token',
  });
  try {
    await services.start();
    expect(services.network.state()).toMatchObject({ online: true, supabaseReachable: false });
    await vi.waitFor(() => expect(services.sync.status()).toMatchObject({ state: 'offline', pending: 0 }));
    expect(seen).toContainEqual(['network:state-changed', expect.objectContaining({ supabaseReachable: false })]);
    expect(seen).toContainEqual(['sync:status-changed', expect.objectContaining({ state: 'offline' })]);
  } finally {
    await services.dispose();
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  }
});
