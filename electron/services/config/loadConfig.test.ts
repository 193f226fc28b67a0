import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyFilePath } from './configFiles';
import { loadStationConfig } from './loadConfig';

let dir: string;
let policyFile: string;
let userFile: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'station-config-'));
  policyFile = path.join(dir, 'policy.json');
  userFile = path.join(dir, 'settings.json');
});

async function load(policy?: unknown, user?: unknown, env?: NodeJS.ProcessEnv) {
  if (policy !== undefined) await writeFile(policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy));
  if (user !== undefined) await writeFile(userFile, typeof user === 'string' ? user : JSON.stringify(user));
  return loadStationConfig({ policyFile, userFile, env });
}

describe('managed configuration', () => {
  it('reads a policy saved with a UTF-8 byte-order mark (Notepad, PowerShell 5), and names an empty unknown key', async () => {
    expect(await load(`\uFEFF${JSON.stringify({ kiosk: true })}`)).toMatchObject({ ok: true, value: { kiosk: true } });
    expect(await load({ '': 1 })).toMatchObject({ ok: false, error: { code: 'CONFIGURATION_INVALID', field: '""', message: `${policyFile}: "": unknown setting` } });
  });

  it('uses the defaults when no file exists', async () => {
    expect(await load()).toMatchObject({ ok: true, value: { connectionMode: 'hybrid', kiosk: false, maxInterviewMinutes: 60 } });
  });

  it('lets the user override defaults and the policy override the user', async () => {
    const result = await load({ kiosk: true, logLevel: 'warn' }, { logLevel: 'debug', allowedMicrophones: ['Jabra'] });
    expect(result).toMatchObject({ ok: true, value: { kiosk: true, logLevel: 'warn', allowedMicrophones: ['Jabra'], maxInterviewMinutes: 60 } });
    expect(await load({}, { logLevel: 'debug' })).toMatchObject({ ok: true, value: { logLevel: 'debug' } });
  });

  it.each(['supabaseUrl', 'stationId', 'kiosk', 'proctorPinHash', 'tokenServiceUrl'])('leaves %s to the machine policy, never a user file', async (key) => {
    const values: Record<string, unknown> = {
      supabaseUrl: 'https://attacker.example',
      stationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      kiosk: false,
      proctorPinHash: 'scrypt$1024$8$1$c2FsdA==$aGFzaA==',
      tokenServiceUrl: 'https://attacker.example',
    };
    const result = await load({}, { [key]: values[key] });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFIGURATION_INVALID', field: key, message: expect.stringContaining('only the machine policy') } });
  });

  it('applies development overrides from the environment over everything, only when given', async () => {
    const env = { STATION_KIOSK: 'false', STATION_TOKEN_SERVICE_URL: 'http://127.0.0.1:4000' };
    expect(await load({ kiosk: true }, undefined, env)).toMatchObject({ ok: true, value: { kiosk: false, tokenServiceUrl: 'http://127.0.0.1:4000' } });
    expect(await load({ kiosk: true }, undefined, undefined)).toMatchObject({ ok: true, value: { kiosk: true } });
  });

  it.each([
    ['unparseable JSON', '{ "kiosk": tru', undefined, /policy\.json: is not valid JSON/],
    ['a wrong type', { kiosk: 'yes' }, 'kiosk', /policy\.json: kiosk: /],
    ['an unknown key', { kioskMode: true }, 'kioskMode', /policy\.json: kioskMode: unknown setting/],
    ['a nested wrong value', { updates: { channel: 'nightly' } }, 'updates', /policy\.json: updates/],
    ['a plain PIN', { proctorPinHash: '1234' }, 'proctorPinHash', /policy\.json: proctorPinHash: must be scrypt/],
    ['an out-of-range number', { maxInterviewMinutes: 90 }, 'maxInterviewMinutes', /policy\.json: maxInterviewMinutes: /],
    ['not an object', '[1, 2]', undefined, /policy\.json: /],
  ])('names the file and the key for %s', async (_kind, policy, field, message) => {
    const result = await load(policy);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('CONFIGURATION_INVALID');
      expect(result.error.field).toBe(field);
      expect(result.error.message).toMatch(message);
      expect(result.error.message).toContain(policyFile);
    }
  });

  it('names the user file when that is the bad one', async () => {
    const result = await load({}, { logLevel: 'chatty' });
    expect(result).toMatchObject({ ok: false, error: { field: 'logLevel', message: expect.stringContaining(userFile) } });
  });

  it('refuses a bad development override by name', async () => {
    const result = await load(undefined, undefined, { STATION_CONNECTION_MODE: 'p2p' });
    expect(result).toMatchObject({ ok: false, error: { field: 'connectionMode', message: expect.stringMatching(/^environment: /) } });
  });

  it('puts the policy where each OS keeps machine-wide settings', () => {
    expect(policyFilePath('linux', {})).toBe('/etc/interview-station/policy.json');
    expect(policyFilePath('darwin', {})).toBe('/Library/Application Support/InterviewStation/policy.json');
    expect(policyFilePath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\InterviewStation\\policy.json');
  });
});
