// The local gateway refuses what the hosted platform refuses: with verify_jwt (per function, from
// supabase/config.toml) a request reaches the function only with a bearer JWT signed with the
// project's JWT secret and not expired; with verify_jwt = false any request goes through.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVerifyJwt } from './functionsConfig';
import { startGateway, type Gateway } from './gateway';
import { makeApiKeys, newJwtSecret, type ApiKeys } from './keys';

let upstream: http.Server;
let reached: string[];
let gateway: Gateway;
let keys: ApiKeys;
let dir: string;

beforeAll(async () => {
  reached = [];
  upstream = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  dir = await mkdtemp(path.join(os.tmpdir(), 'station-gateway-'));
  const config = path.join(dir, 'config.toml');
  await writeFile(
    config,
    ['[functions.checked]', 'enabled = true', 'verify_jwt = true', '', '[functions.open]', 'verify_jwt = false # webhooks', ''].join('\n'),
  );
  keys = await makeApiKeys();
  gateway = await startGateway({ auth: async (_req, res) => void res.writeHead(404).end(), apiKeys: [keys.anonKey], jwtSecret: keys.jwtSecret, verifyJwt: readVerifyJwt(config) });
  gateway.setFunctionsUrl(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await gateway?.close();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function call(name: string, token?: string): Promise<{ status: number; body: unknown; reached: boolean }> {
  const before = reached.length;
  const response = await fetch(`${gateway.url}/functions/v1/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });
  return { status: response.status, body: await response.json(), reached: reached.length > before };
}

const sign = (secret: string, exp: number) =>
  new SignJWT({ role: 'authenticated', sub: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe('verify_jwt at the local gateway', () => {
  it('reads every function of supabase/config.toml as verify_jwt = true', () => {
    const project = readVerifyJwt();
    expect([...project.keys()].sort()).toEqual(['interview-end', 'interview-start', 'interview-status', 'interview-transcript', 'station-context']);
    expect([...project.values()].every((v) => v)).toBe(true);
  });

  it('with verify_jwt = true, refuses a token signed with another secret before the function runs', async () => {
    const forged = await sign(newJwtSecret(), Math.floor(Date.now() / 1000) + 600);
    expect(await call('checked', forged)).toEqual({ status: 401, body: { code: 401, message: 'Invalid JWT' }, reached: false });
  });

  it('with verify_jwt = true, refuses an expired project token and a missing one', async () => {
    const expired = await sign(keys.jwtSecret, Math.floor(Date.now() / 1000) - 60);
    expect(await call('checked', expired)).toMatchObject({ status: 401, reached: false });
    expect(await call('checked')).toEqual({ status: 401, body: { code: 401, message: 'Missing authorization header' }, reached: false });
  });

  it('with verify_jwt = true, lets a project JWT through (the anon key, a user token)', async () => {
    expect(await call('checked', keys.anonKey)).toMatchObject({ status: 200, reached: true });
    expect(await call('checked', await sign(keys.jwtSecret, Math.floor(Date.now() / 1000) + 600))).toMatchObject({ status: 200, reached: true });
  });

  it('with verify_jwt = false, lets a token signed with another secret through to the function', async () => {
    const forged = await sign(newJwtSecret(), Math.floor(Date.now() / 1000) + 600);
    expect(await call('open', forged)).toMatchObject({ status: 200, reached: true });
    expect(await call('open')).toMatchObject({ status: 200, reached: true });
  });

  it('treats a function config.toml does not list as verify_jwt = true, as the platform does', async () => {
    expect(await call('unlisted')).toMatchObject({ status: 401, reached: false });
  });
});
