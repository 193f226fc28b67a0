// `npm run stack` as a developer uses it: it writes stack.json, a seeded proctor signs in and
// starts an interview with supabase-js, and SIGINT stops every process it started.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterviewStartResponseSchema } from '../../contracts/edge';
import { invoke, signedIn } from '../../supabase/tests/support/clients';
import { SEED } from './seedUsers';

const root = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm run stack', () => {
  it('writes stack.json, serves a proctor\'s interview-start, and stops everything on SIGINT', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'station-stack-'));
    dirs.push(dir);
    const stackFile = path.join(dir, 'stack.json');
    // The same command as the npm script, without npm in between (so the signal reaches it directly).
    const child = spawn(process.execPath, ['--import', 'tsx', 'devstack/stack.ts', '--temp'], {
      cwd: root,
      env: { ...process.env, STATION_STACK_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const info = await waitFor(async () => (existsSync(stackFile) ? JSON.parse(await readFile(stackFile, 'utf8')) : undefined), 60_000);
      expect(Object.keys(info)).toEqual(
        expect.arrayContaining(['supabaseUrl', 'anonKey', 'serviceRoleKey', 'dbUrl', 'jwtSecret', 'users', 'realtimeUrl', 'realtimeApiKey', 'tokenServiceUrl']),
      );
      expect((await fetch(`${info.tokenServiceUrl}/readyz`)).status).toBe(200);
      // The Realtime simulator is up and takes the standard key the stack published.
      const minted = await fetch(`${info.realtimeUrl}/v1/realtime/client_secrets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.realtimeApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime' } }),
      });
      expect(minted.status).toBe(200);
      expect(((await minted.json()) as { value: string }).value).toMatch(/^ek_/);
      expect(info.supabaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const proctor = info.users.find((u: { role: string; tenantId: string }) => u.role === 'proctor' && u.tenantId === SEED.acme.tenantId);
      const client = await signedIn(info.supabaseUrl, info.anonKey, proctor.email, proctor.password);
      const started = await invoke(client, 'interview-start', {
        companyId: SEED.acme.companyId,
        templateId: SEED.acme.templateId,
        stationId: SEED.acme.stationId,
        candidateRef: 'stack-test',
        consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() },
        // Ephemeral keys are minted only for direct sessions (a hybrid session's renderer holds none).
        architecture: 'direct',
      });
      expect(started.status).toBe(200);
      const { sessionId, sessionToken, webrtcConfig } = InterviewStartResponseSchema.parse(started.body);
      // The whole chain: the session JWT mints an ephemeral key at the token service, from the simulator.
      expect(webrtcConfig.tokenServiceUrl).toBe(info.tokenServiceUrl);
      const mint = await fetch(`${info.tokenServiceUrl}/api/realtime/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId }),
      });
      expect(mint.status).toBe(200);
      expect(((await mint.json()) as { clientSecret: string }).clientSecret).toMatch(/^ek_/);
      await waitFor(async () => (output.includes('"fn":"interview-start"') ? true : undefined), 5_000);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(stackFile)).toBe(false);
      // Everything it started is gone: the gateway no longer answers.
      await expect(fetch(`${info.supabaseUrl}/auth/v1/user`)).rejects.toThrow();
      await expect(fetch(`${info.realtimeUrl}/v1/realtime/client_secrets`, { method: 'POST' })).rejects.toThrow();
      await expect(fetch(`${info.tokenServiceUrl}/healthz`)).rejects.toThrow();
      expect(output).not.toContain(info.serviceRoleKey.slice(-20).repeat(2));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
