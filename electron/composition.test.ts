import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { StationConfigSchema } from '@interview-station/contracts';
import { composeServices } from './composition';
import { silentLogger } from './log';
import { MemorySecretStore } from './services/secrets/secretStore';
import { freePort } from '../devstack/supabase/freePort';

it('wires the monitor into the engine and pushes both as contract-valid renderer events', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'composition-'));
  const config = StationConfigSchema.parse({ supabaseUrl: `http://127.0.0.1:${await freePort()}`, supabaseAnonKey: 'anon-key' });
  const services = await composeServices({ config, log: silentLogger, dataDir: dir, secrets: new MemorySecretStore(), kiosk: { exitKiosk: () => undefined, quit: () => undefined } });
  const seen: [string, unknown][] = [];
  // StationEvents validates every payload against contracts/ipc.ts.
  services.events.subscribe((event, payload) => seen.push([event, payload]));
  try {
    const project = services.project!;
    await vi.waitFor(() => expect(project.network.state()).toMatchObject({ online: true, supabaseReachable: false }));
    await vi.waitFor(() => expect(project.sync.status()).toMatchObject({ state: 'offline', pending: 0 }));
    expect(seen).toContainEqual(['network:state-changed', expect.objectContaining({ supabaseReachable: false })]);
    expect(seen).toContainEqual(['sync:status-changed', expect.objectContaining({ state: 'offline' })]);
    // The network change was re-announced through auth (signed out here).
    expect(seen).toContainEqual(['auth:state-changed', expect.objectContaining({ status: 'signed-out' })]);
    expect(await services.health()).toEqual({ supabase: false, tokenService: false, realtime: false });
  } finally {
    await services.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

it('without a project builds only the local services', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'composition-'));
  const services = await composeServices({ config: StationConfigSchema.parse({}), log: silentLogger, dataDir: dir, secrets: new MemorySecretStore(), kiosk: { exitKiosk: () => undefined, quit: () => undefined } });
  try {
    expect(services.project).toBeNull();
    expect(await services.health()).toEqual({ supabase: false, tokenService: false, realtime: false });
  } finally {
    await services.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});
