import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { newSecret, postJson, signSession } from './support/harness';
import { ProxyClient } from './support/wsClient';

/**
 * What the Docker image runs, run here: the package's `build` script (the Dockerfile's build
 * step) produces one self-contained file, which starts from a folder holding nothing else (the
 * image's runtime stage), serves, and drains on SIGTERM: sockets closed with 1001, exit 0 within
 * the grace period.
 */
const SERVICE_DIR = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(SERVICE_DIR, '..');
const GRACE_MS = 3000;

let sim: RealtimeSimulatorHandle;
let runDir = '';

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  await promisify(execFile)('npm', ['run', 'build', '--workspace', 'proxy-service'], { cwd: REPO });
  runDir = mkdtempSync(path.join(os.tmpdir(), 'token-service-run-'));
  copyFileSync(path.join(SERVICE_DIR, 'dist/main.cjs'), path.join(runDir, 'main.cjs'));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

/** Starts the bundle as a child process and resolves with its URL once it listens. */
function startBundle(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['main.cjs'], { cwd: runDir, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bundle did not start: ${output}`)), 10_000);
    const poll = setInterval(() => {
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
      if (url) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    }, 20);
    child.once('exit', () => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`bundle exited: ${output}`));
    });
  });
}

describe('the Docker image’s build steps', () => {
  it('copies only files that exist and runs the file the build script produces', () => {
    const dockerfile = readFileSync(path.join(SERVICE_DIR, 'Dockerfile'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(SERVICE_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const buildStage = dockerfile.slice(0, dockerfile.indexOf('AS build') > 0 ? dockerfile.lastIndexOf('FROM ') : undefined);
    for (const [, from] of buildStage.matchAll(/^COPY (?!--from)(\S+)/gm)) {
      expect(existsSync(path.join(REPO, from ?? '')), `COPY ${from}`).toBe(true);
    }
    expect(dockerfile).toMatch(/RUN npm ci --workspace proxy-service /);
    expect(dockerfile).toMatch(/RUN npm run build --workspace proxy-service/);
    const outfile = /--outfile=(\S+)/.exec(pkg.scripts['build'] ?? '')?.[1];
    expect(outfile).toBe('dist/main.cjs');
    expect(dockerfile).toContain('COPY --from=build /repo/proxy-service/dist/ ./dist/');
    expect(dockerfile).toMatch(/CMD \["node", "--enable-source-maps", "dist\/main\.cjs"\]/);
    expect(pkg.scripts['start']).toContain('dist/main.cjs');
  });
});

describe('the bundle', () => {
  it('starts alone, serves, and on SIGTERM closes every socket with 1001 and exits within the grace period', async () => {
    const secret = newSecret();
    const { child, url, output } = await startBundle({
      HOST: '127.0.0.1',
      PORT: '0',
      OPENAI_API_KEY: sim.apiKey,
      OPENAI_BASE_URL: sim.url,
      SESSION_JWT_SECRET: secret,
      DRAIN_GRACE_MS: String(GRACE_MS),
    });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const sessionId = randomUUID();
      const token = await signSession({ secret, sessionId });
      // Without a database every session is hybrid (DEFAULT_ARCHITECTURE): no key for it.
      const minted = await postJson(`${url}/api/realtime/sessions`, { sessionId }, token);
      expect([minted.status, minted.json.code]).toEqual([403, 'NOT_AUTHORIZED']);

      const wsUrl = `${url.replace('http', 'ws')}/ws`;
      const viaHeader = await ProxyClient.open(wsUrl, token);
      const viaQuery = await ProxyClient.open(wsUrl, await signSession({ secret }), { via: 'query' });
      viaHeader.send({ type: 'session', sessionId, data: {} });
      await viaHeader.next('session_ready');

      const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
        const started = Date.now();
        child.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
      });
      child.kill('SIGTERM');
      expect((await viaHeader.closed).code).toBe(1001);
      expect((await viaQuery.closed).code).toBe(1001);
      const exit = await exited;
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(GRACE_MS);
      expect(output()).toContain('"msg":"draining"');
      // The key, the JWT secret and the tokens stayed out of the process's output.
      for (const secretText of [sim.apiKey, secret, token]) expect(output()).not.toContain(secretText);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
