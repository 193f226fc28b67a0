// Issue 14: what lets an interview survive a restart (the active-interview record in the secret
// store) and an offline end survive one (the durable end queue in the station's register), and
// InterviewService using both across a simulated restart, against the fake upstream.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log';
import { EncryptedFileSecretStore } from '../secrets/encryptedFileSecretStore';
import { MemorySecretStore } from '../secrets/secretStore';
import { standInSafeStorage } from '../secrets/testCipher';
import { ActiveInterviews, type ActiveInterviewRecord } from './activeInterviews';
import { FAKE_CONTEXT, FakeUpstream } from './fakeUpstream.fixture';
import { InterviewService } from './interviewService';
import { listLocalInterviews } from './listLocal';
import { LocalInterviews } from './localInterviews';
import { JournalStore } from '../journal/journalStore';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const CONSENT = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' };
const JWT = 'eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbi1qd3Qtc2VjcmV0LXBheWxvYWQ.sig';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'station-restore-unit-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(overrides: Partial<ActiveInterviewRecord> = {}): ActiveInterviewRecord {
  const now = Date.now();
  return {
    start: {
      sessionId: SESSION,
      sessionToken: JWT,
      webrtcConfig: {
        architecture: 'direct',
        tokenServiceUrl: 'http://127.0.0.1:1/token',
        model: 'gpt-realtime',
        voice: 'alloy',
        instructions: 'Interview the candidate.',
        maxDurationSeconds: 600,
        iceServers: [],
      },
      metadata: { createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString() },
    },
    startedAtMs: now,
    liveSinceMs: null,
    candidateRef: 'CAND-7',
    templateId: FAKE_CONTEXT.templateId,
    consent: CONSENT,
    ...overrides,
  };
}

describe('ActiveInterviews (the persisted active-session record)', () => {
  it('survives a restart in the encrypted secret store, never in plain text, and is gone once removed', async () => {
    const dir = tempDir();
    const cipher = standInSafeStorage();
    const first = new ActiveInterviews(new EncryptedFileSecretStore(dir, cipher), silentLogger);
    await first.put(record());
    await first.markLive(SESSION, 1_234_000);
    const onDisk = readdirSync(dir).map((name) => readFileSync(path.join(dir, name)).toString('latin1')).join('');
    expect(onDisk).not.toContain(JWT);
    expect(onDisk).not.toContain('CAND-7');

    const afterRestart = new ActiveInterviews(new EncryptedFileSecretStore(dir, cipher), silentLogger);
    const [restored, ...rest] = await afterRestart.load();
    expect(rest).toEqual([]);
    expect(restored).toMatchObject({ start: { sessionId: SESSION, sessionToken: JWT }, liveSinceMs: 1_234_000, candidateRef: 'CAND-7' });

    await afterRestart.remove(SESSION);
    expect(readdirSync(dir)).toEqual([]);
    expect(await new ActiveInterviews(new EncryptedFileSecretStore(dir, cipher), silentLogger).load()).toEqual([]);
  });

  it('drops a malformed stored value instead of half-using it', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('active-interviews', JSON.stringify({ version: 1, interviews: [{ start: { sessionId: SESSION } }] }));
    expect(await new ActiveInterviews(secrets, silentLogger).load()).toEqual([]);
    expect(await secrets.get('active-interviews')).toBeNull();
    await secrets.set('active-interviews', 'not json');
    expect(await new ActiveInterviews(secrets, silentLogger).load()).toEqual([]);
  });
});

describe('LocalInterviews (the durable end queue and the register)', () => {
  it('keeps a queued end across a reopen until it is delivered, and the interview in the register after', async () => {
    const file = path.join(tempDir(), 'interviews.json');
    const first = await LocalInterviews.open(file, silentLogger);
    await first.started(SESSION, 'CAND-7', '2026-12-01T10:00:00.000Z');
    await first.endQueued(SESSION, 'proctor_ended');
    expect(first.pendingEnds()).toEqual([{ sessionId: SESSION, reason: 'proctor_ended' }]);

    const reopened = await LocalInterviews.open(file, silentLogger);
    expect(reopened.pendingEnds()).toEqual([{ sessionId: SESSION, reason: 'proctor_ended' }]);
    await reopened.delivered(SESSION);

    const again = await LocalInterviews.open(file, silentLogger);
    expect(again.pendingEnds()).toEqual([]);
    expect(again.get(SESSION)).toMatchObject({ candidateRef: 'CAND-7', startedAt: '2026-12-01T10:00:00.000Z', pendingEnd: null });
    expect(again.get(SESSION)?.endedAt).toEqual(expect.any(String));
    // No temporary file left behind.
    expect(readdirSync(path.dirname(file))).toEqual(['interviews.json']);
  });

  it('queues an end for a session it has no record of, and keeps the first reason when asked twice', async () => {
    const register = await LocalInterviews.open(path.join(tempDir(), 'interviews.json'), silentLogger);
    await register.endQueued(SESSION, 'connection_lost');
    await register.endQueued(SESSION, 'completed');
    expect(register.pendingEnds()).toEqual([{ sessionId: SESSION, reason: 'connection_lost' }]);
  });

  it('sets an unreadable file aside (never silently forgets queued ends) and starts empty', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'interviews.json');
    writeFileSync(file, '{"version":1,"interviews":[{"sessionId":');
    const register = await LocalInterviews.open(file, silentLogger);
    expect(register.all()).toEqual([]);
    expect(readdirSync(dir).some((name) => name.startsWith('interviews.json.unreadable-'))).toBe(true);
  });
});

describe('InterviewService across a restart', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterAll(() => upstream.close());

  function service(secrets: MemorySecretStore, register: LocalInterviews, started: string[] = []) {
    return new InterviewService({
      supabaseUrl: upstream.url,
      anonKey: 'anon',
      stationId: '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e',
      getAccessToken: async () => 'eyJ.user',
      onSidebandTranscript: () => undefined,
      onStarted: async (sessionId) => void started.push(sessionId),
      connectionMode: 'direct',
      active: new ActiveInterviews(secrets, silentLogger),
      register,
      log: silentLogger,
    });
  }

  it('restores an interrupted interview as its own (key minted with the kept JWT), and forgets it when it ends', async () => {
    const secrets = new MemorySecretStore(); // the secret store outlives the "process" here
    const file = path.join(tempDir(), 'interviews.json');
    const before = service(secrets, await LocalInterviews.open(file, silentLogger));
    const { sessionId } = await before.start({ templateId: FAKE_CONTEXT.templateId, companyId: FAKE_CONTEXT.companyId, candidateRef: 'CAND-9', consent: CONSENT });
    await before.realtimeToken({ sessionId });
    await before.live({ sessionId });
    expect((await before.activeInterview()).interview).toMatchObject({ sessionId, restoredFrom: 'run', candidateRef: 'CAND-9', liveSince: expect.any(String) });
    before.dispose(); // the crash: nothing is ended
    // What is kept is small enough for any OS vault: no template instructions.
    const kept = await secrets.get('active-interviews');
    expect(kept).toContain(sessionId);
    expect(kept).not.toContain('Interview.');
    expect(kept!.length).toBeLessThan(2_500);

    const started: string[] = [];
    const after = service(secrets, await LocalInterviews.open(file, silentLogger), started);
    expect((await after.activeInterview()).interview).toBeNull();
    expect(await after.restore()).toEqual([sessionId]);
    expect(started).toEqual([sessionId]); // recorded as this station's, this run
    expect((await after.activeInterview()).interview).toMatchObject({ sessionId, restoredFrom: 'restart', candidateRef: 'CAND-9', templateId: FAKE_CONTEXT.templateId, consent: CONSENT });
    const mint = await after.realtimeToken({ sessionId });
    expect(mint.clientSecret).toBeTruthy();
    expect(upstream.calls.filter((c) => c.path === '/token/api/realtime/sessions').length).toBeGreaterThanOrEqual(2);

    await after.end({ sessionId, reason: 'completed' });
    expect((await after.activeInterview()).interview).toBeNull();
    expect(await secrets.get('active-interviews')).toBeNull();
    expect(await service(secrets, await LocalInterviews.open(file, silentLogger)).restore()).toEqual([]);
    after.dispose();
  });

  it('an end Supabase could not be told of is delivered after a restart, once it answers', async () => {
    const secrets = new MemorySecretStore();
    const file = path.join(tempDir(), 'interviews.json');
    const before = service(secrets, await LocalInterviews.open(file, silentLogger));
    const { sessionId } = await before.start({ templateId: FAKE_CONTEXT.templateId, companyId: FAKE_CONTEXT.companyId, candidateRef: 'CAND-10', consent: CONSENT });
    upstream.failing.add('/functions/v1/interview-end');
    try {
      await expect(before.end({ sessionId, reason: 'proctor_ended' })).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
      before.dispose();

      const register = await LocalInterviews.open(file, silentLogger);
      expect(register.pendingEnds()).toEqual([{ sessionId, reason: 'proctor_ended' }]);
      const after = service(secrets, register);
      expect(await after.restore()).toEqual([]); // ended here: nothing to continue
      await after.confirmEnds(); // still failing: stays queued
      expect(after.pendingEndIds()).toEqual([sessionId]);
      upstream.failing.delete('/functions/v1/interview-end');
      const ends = () => upstream.calls.filter((c) => c.path === '/functions/v1/interview-end' && c.body['sessionId'] === sessionId);
      const triedBefore = ends().length;
      await after.confirmEnds();
      expect(ends().length).toBe(triedBefore + 1);
      expect(ends().at(-1)?.body).toEqual({ sessionId, reason: 'proctor_ended' });
      expect(after.pendingEndIds()).toEqual([]);
      expect((await LocalInterviews.open(file, silentLogger)).pendingEnds()).toEqual([]);
      after.dispose();
    } finally {
      upstream.failing.delete('/functions/v1/interview-end');
    }
  });

  it('ends, instead of restoring, an interrupted interview whose session JWT has expired', async () => {
    const secrets = new MemorySecretStore();
    const active = new ActiveInterviews(secrets, silentLogger);
    const old = record();
    await active.put({ ...old, start: { ...old.start, metadata: { createdAt: old.start.metadata.createdAt, expiresAt: new Date(Date.now() - 1000).toISOString() } } });
    const file = path.join(tempDir(), 'interviews.json');
    const after = service(secrets, await LocalInterviews.open(file, silentLogger));
    expect(await after.restore()).toEqual([]);
    expect(after.pendingEndIds()).toEqual([SESSION]);
    expect(await secrets.get('active-interviews')).toBeNull();
    after.dispose();
  });
});

describe('listLocalInterviews (interview:list-local)', () => {
  it('lists the register and any journal without a record, newest first, with saved, unsynced, active and end pending', async () => {
    const dir = tempDir();
    const journals = new JournalStore(path.join(dir, 'journal'));
    const register = await LocalInterviews.open(path.join(dir, 'interviews.json'), silentLogger);
    const older = '11111111-1111-4111-8111-111111111111';
    const newer = '22222222-2222-4222-8222-222222222222';
    const orphan = '33333333-3333-4333-8333-333333333333';
    await register.started(older, 'CAND-OLD', '2026-12-01T09:00:00.000Z');
    await register.started(newer, 'CAND-NEW', '2026-12-01T10:00:00.000Z');
    await register.endQueued(older, 'completed');
    const entry = (sessionId: string, itemId: string) => ({ sessionId, itemId, contentIndex: 0, speaker: 'ai' as const, content: 'Hello.', speechStartedAt: '2026-12-01T10:00:01.000Z', source: 'client' as const, receivedAt: '2026-12-01T10:00:02.000Z' });
    await (await journals.session(newer)).append(entry(newer, 'item_1'));
    await (await journals.session(newer)).append(entry(newer, 'item_2'));
    await (await journals.session(orphan)).append(entry(orphan, 'item_1'));
    const { interviews } = await listLocalInterviews({ journals, register, activeIds: [newer], pendingEndIds: [] });
    expect(interviews.map((i) => i.sessionId)).toEqual([newer, older, orphan]);
    expect(interviews[0]).toMatchObject({ candidateRef: 'CAND-NEW', saved: 2, unsynced: 2, active: true, endPending: false, endedAt: null });
    expect(interviews[1]).toMatchObject({ candidateRef: 'CAND-OLD', saved: 0, unsynced: 0, active: false, endPending: true });
    expect(interviews[2]).toMatchObject({ candidateRef: null, startedAt: null, saved: 1, active: false, endPending: false });
    await journals.close();
  });
});
