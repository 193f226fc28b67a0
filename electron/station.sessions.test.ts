// Main acts only on interview sessions this station started: every channel that takes a sessionId,
// through the real router and station wiring, with a fake upstream that records every call.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels, StationConfigSchema, type IpcChannel } from '@interview-station/contracts';
import { VALID_IPC_INPUTS } from '../test/support/validIpcInputs';
import { IpcRouter } from './ipc/router';
import { appOriginPolicy } from './ipc/senderPolicy';
import { silentLogger } from './log';
import { FakeUpstream } from './services/interview/fakeUpstream.fixture';
import { JournalStore } from './services/journal/journalStore';
import { MemorySecretStore } from './services/secrets/secretStore';
import { StationSessions } from './services/sessions/stationSessions';
import { createStation, SESSION_SCOPES, type Station } from './station';
import { nodePlatformInfo } from './webhost/nodePlatform';

const APP = 'app://station';
const trusted = { url: `${APP}/index.html`, isMainFrame: true };
const FOREIGN = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const EARLIER = '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a';

let upstream: FakeUpstream;
let dir: string;
let station: Station;
let router: IpcRouter;

beforeAll(async () => {
  upstream = await FakeUpstream.start();
  dir = await mkdtemp(path.join(os.tmpdir(), 'station-sessions-'));
  // A previous run of this station journaled EARLIER before it crashed.
  const earlier = new JournalStore(path.join(dir, 'journal'));
  await new StationSessions(earlier).started(EARLIER);
  await earlier.close();
  station = await createStation({
    platform: nodePlatformInfo(path.resolve(__dirname, '../package.json')),
    config: StationConfigSchema.parse({ supabaseUrl: upstream.url, supabaseAnonKey: 'anon', stationId: '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e' }),
    log: silentLogger,
    dataDir: dir,
    secrets: new MemorySecretStore(),
    kiosk: { exitKiosk: () => undefined, quit: () => undefined },
  });
  router = new IpcRouter(station.handlers, appOriginPolicy(APP), silentLogger);
});

afterAll(async () => {
  await station?.dispose();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

const sessionChannels = (Object.keys(ipcChannels) as IpcChannel[]).filter((channel) => {
  const shape = (ipcChannels[channel].input as unknown as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && 'sessionId' in shape;
});

describe('main acts only on sessions this station started', () => {
  it('knows every channel that takes a sessionId', () => {
    expect(sessionChannels.length).toBeGreaterThan(0);
    expect(Object.keys(SESSION_SCOPES).sort()).toEqual([...sessionChannels].sort());
  });

  it.each(sessionChannels)('%s refuses a session this station did not start, and changes nothing', async (channel) => {
    const before = upstream.calls.length;
    const input = { ...(VALID_IPC_INPUTS[channel] as object), sessionId: FOREIGN };
    expect(await router.dispatch(channel, input, trusted)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED', field: 'sessionId' } });
    expect(upstream.calls.slice(before).filter((call) => !call.path.startsWith('/rest') && !call.path.startsWith('/auth'))).toEqual([]);
    expect(await readdir(path.join(dir, 'journal'))).toEqual([`${EARLIER}.journal`]);
  });

  it('after a restart, keeps journaling and listing a session whose journal is on this machine, but hands it no realtime access', async () => {
    const entry = { ...(VALID_IPC_INPUTS['transcript:append'] as object), sessionId: EARLIER };
    expect(await router.dispatch('transcript:append', entry, trusted)).toMatchObject({ ok: true, value: { duplicate: false } });
    expect(await router.dispatch('transcript:list', { sessionId: EARLIER }, trusted)).toMatchObject({ ok: true, value: { entries: [{ sessionId: EARLIER }] } });
    for (const channel of ['realtime:token', 'realtime:sdp-offer', 'interview:live'] as const) {
      const input = { ...(VALID_IPC_INPUTS[channel] as object), sessionId: EARLIER };
      expect(await router.dispatch(channel, input, trusted)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    }
  });
});
