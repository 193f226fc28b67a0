import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { denoEnv, explainDenoFailure, FUNCTIONS_DIR, functionNames, fetchFunctionDependencies } from './deno';
import { startFunctionsRuntime } from './functionsRuntime';

const root = path.resolve(FUNCTIONS_DIR, '../..');

describe('the environment Deno runs with', () => {
  it('trusts the OS store and the CA file the environment names, and nothing else of the caller', () => {
    const env = denoEnv({}, { PATH: '/bin', SSL_CERT_FILE: '/etc/corp-ca.pem', SUPABASE_SERVICE_ROLE_KEY: 'secret', DENO_DIR: '/tmp/d' });
    expect(env['DENO_TLS_CA_STORE']).toBe('mozilla,system');
    expect(env['DENO_CERT']).toBe('/etc/corp-ca.pem');
    expect(env['DENO_DIR']).toBe('/tmp/d');
    expect(env).not.toHaveProperty('SUPABASE_SERVICE_ROLE_KEY');
  });

  it('keeps what the person set explicitly', () => {
    const env = denoEnv({}, { DENO_CERT: '/a.pem', SSL_CERT_FILE: '/b.pem', DENO_TLS_CA_STORE: 'system' });
    expect(env['DENO_CERT']).toBe('/a.pem');
    expect(env['DENO_TLS_CA_STORE']).toBe('system');
  });
});

describe('a failed Deno fetch is told in one line with what to do', () => {
  it('a certificate problem names the variable to set', () => {
    const line = explainDenoFailure(
      "error: Failed caching npm package 'postgres@3.4.9'\n  0: error sending request: client error (Connect): invalid peer certificate: UnknownIssuer",
    );
    expect(line).toMatch(/DENO_CERT/);
    expect(line).not.toMatch(/\n/);
  });

  it('a missing cache says to run bootstrap', () => {
    expect(explainDenoFailure('error: Failed caching npm package \'jose@6.2.17\'\n 0: npm package not found in cache: "jose", --cached-only is specified.')).toMatch(
      /bootstrap\.sh/,
    );
  });

  it('a lockfile that would change says how to update it on purpose', () => {
    expect(explainDenoFailure('error: The lockfile is out of date. Run `deno install --frozen=false`')).toMatch(/deno\.lock/);
  });
});

describe('the functions never download at run time', () => {
  it('with an empty Deno cache the runtime refuses to start and says to run bootstrap', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'station-deno-empty-'));
    try {
      await expect(startFunctionsRuntime({ env: { DENO_DIR: empty } })).rejects.toThrow(/bootstrap\.sh/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('fetching the pinned dependencies', () => {
  // Needs the npm registry (the only network these machines have): this is the fetch bootstrap does,
  // from a cold cache, trusting the CA only through the OS store / SSL_CERT_FILE (not Node's variable).
  it('fills an empty cache through a TLS-inspecting network, exactly as deno.lock pins', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'station-deno-cold-'));
    try {
      const { NODE_EXTRA_CA_CERTS: _ignored, ...rest } = process.env;
      await fetchFunctionDependencies(functionNames(), denoEnv({ DENO_DIR: empty }, rest));
      const lock = JSON.parse(await readFile(path.join(FUNCTIONS_DIR, 'deno.lock'), 'utf8')) as { npm: Record<string, unknown> };
      for (const id of Object.keys(lock.npm)) {
        const at = id.lastIndexOf('@');
        expect(existsSync(path.join(empty, 'npm', 'registry.npmjs.org', id.slice(0, at), id.slice(at + 1))), id).toBe(true);
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the functions and the Node side share versions', () => {
  it('zod, jose and postgres in deno.lock equal the npm lockfile', async () => {
    const denoLock = JSON.parse(await readFile(path.join(FUNCTIONS_DIR, 'deno.lock'), 'utf8')) as { npm: Record<string, unknown> };
    const npmLock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const denoVersions = new Map(Object.keys(denoLock.npm).map((id) => [id.slice(0, id.lastIndexOf('@')), id.slice(id.lastIndexOf('@') + 1)]));
    for (const name of ['zod', 'jose', 'postgres']) {
      expect(denoVersions.get(name), name).toBeDefined();
      expect(denoVersions.get(name), name).toBe(npmLock.packages[`node_modules/${name}`]?.version);
    }
  });
});
