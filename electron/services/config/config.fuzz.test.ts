// Generated and mutated policy and settings files: every file the station cannot use is refused
// with a typed CONFIGURATION_INVALID naming the file (and the key, when the file is an object), no
// load ever throws, and every file it accepts really is valid.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StationConfigLayerSchema, StationConfigSchema } from '@interview-station/contracts';
import { loadStationConfig } from './loadConfig';

const SEED = 20261202;
const USER_SETTABLE = new Set(['logLevel', 'allowedMicrophones']);
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'config-fuzz-'));
});
afterAll(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));

const userLayer = fc.record(
  { logLevel: fc.constantFrom('error', 'warn', 'info', 'debug'), allowedMicrophones: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 3 }) },
  { requiredKeys: [] },
);
const policyLayer = fc.record(
  {
    supabaseUrl: fc.constantFrom('https://project.supabase.co', 'http://127.0.0.1:54321'),
    supabaseAnonKey: fc.string({ minLength: 1, maxLength: 40 }),
    stationId: fc.uuid(),
    connectionMode: fc.constantFrom('hybrid', 'direct'),
    kiosk: fc.boolean(),
    journalRetentionDays: fc.integer({ min: 1, max: 365 }),
    maxInterviewMinutes: fc.integer({ min: 1, max: 60 }),
    updates: fc.constantFrom('off', { channel: 'stable' }),
    logLevel: fc.constantFrom('error', 'warn', 'info', 'debug'),
  },
  { requiredKeys: [] },
);
const anyKey = fc.oneof(
  fc.constantFrom(...Object.keys(StationConfigSchema.shape)),
  fc.constantFrom(...POLLUTION_KEYS),
  fc.string({ maxLength: 40 }),
  fc.constant('k'.repeat(500)),
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', '\u0000', -1, 1e308, 'ftp://x', 'x'.repeat(5000)));

/** A layer's JSON text, valid or mutated (a value retyped, a key added, the text cut or replaced). */
function fileText(layer: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string | null> {
  const json = layer.map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 2, arbitrary: json },
    { weight: 1, arbitrary: fc.constant(null) }, // no file
    { weight: 3, arbitrary: fc.tuple(layer, anyKey, anyValue).map(([value, key, bad]) => `${JSON.stringify(value).slice(0, -1)}${Object.keys(value).length > 0 ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(bad)}}`) },
    { weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
    { weight: 1, arbitrary: json.map((text) => `\uFEFF${text}`) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
  );
}

/** What the station should make of one file's text: null when usable, else whether it was an object. */
function verdict(text: string | null, user: boolean): { bad: false } | { bad: true; object: boolean } {
  if (text === null) return { bad: false };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { bad: true, object: false };
  }
  const object = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!StationConfigLayerSchema.safeParse(value).success) return { bad: true, object };
  if (user && Object.keys(value as object).some((key) => !USER_SETTABLE.has(key))) return { bad: true, object };
  return { bad: false };
}

it('refuses every bad policy or settings file with a typed error naming the file and key, and never throws', async () => {
  const policyFile = path.join(dir, 'policy.json');
  const userFile = path.join(dir, 'settings.json');
  const tally = { inputs: 0, refused: 0, crashes: [] as string[] };
  await fc.assert(
    fc.asyncProperty(fileText(policyLayer), fileText(userLayer), async (policy, user) => {
      tally.inputs += 1;
      await rm(policyFile, { force: true });
      await rm(userFile, { force: true });
      if (policy !== null) await writeFile(policyFile, policy);
      if (user !== null) await writeFile(userFile, user);
      let result: Awaited<ReturnType<typeof loadStationConfig>>;
      try {
        result = await loadStationConfig({ policyFile, userFile });
      } catch (error) {
        tally.crashes.push(String(error).slice(0, 200));
        return;
      }
      const userVerdict = verdict(user, true);
      const policyVerdict = verdict(policy, false);
      const firstBad = userVerdict.bad ? { file: userFile, ...userVerdict } : policyVerdict.bad ? { file: policyFile, ...policyVerdict } : null;
      if (!firstBad) {
        expect(result.ok).toBe(true);
        return;
      }
      expect(result.ok).toBe(false);
      if (result.ok) return;
      tally.refused += 1;
      expect(result.error).toMatchObject({ code: 'CONFIGURATION_INVALID', retryable: false });
      expect(result.error.message.startsWith(`${firstBad.file}: `)).toBe(true);
      if (firstBad.object) {
        expect(result.error.field).toEqual(expect.any(String));
        expect(result.error.message).toContain(result.error.field!.slice(0, 100));
      }
    }),
    { seed: SEED, numRuns: 1_000, interruptAfterTimeLimit: 2_000, endOnFailure: true },
  );
  process.stdout.write(`fuzz config: ${tally.inputs} inputs, ${tally.refused} refused with a typed error, ${tally.crashes.length} crashes\n`);
  expect(tally.crashes).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(tally.refused).toBeGreaterThan(tally.inputs / 3);
});
