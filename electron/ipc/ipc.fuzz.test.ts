// Generated and mutated input at every IPC channel of contracts/ipc.ts, through the real IpcRouter:
// first with a spy behind every channel (no service may run for input its contract refuses), then
// with the real station wired (no Supabase project), whose services must answer or refuse typed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodeSchema, IPC_CHANNELS, ipcChannels, ResultSchema, StationConfigSchema, type IpcChannel, type Result } from '@interview-station/contracts';
import { VALID_IPC_INPUTS } from '../../test/support/validIpcInputs';
import { silentLogger } from '../log';
import { MemorySecretStore } from '../services/secrets/secretStore';
import { createStation, type Station } from '../station';
import { nodePlatformInfo } from '../webhost/nodePlatform';
import { IpcRouter, type StationHandlers } from './router';
import { appOriginPolicy } from './senderPolicy';

const APP = 'app://station';
const trusted = { url: `${APP}/index.html`, isMainFrame: true };
const SEED = 20261201;
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty'];

/** A key a payload might carry: a contract's own, a pollution key, or anything. */
const keyArb = fc.oneof(
  fc.constantFrom(...new Set(IPC_CHANNELS.flatMap((c) => Object.keys(VALID_IPC_INPUTS[c] as object)))),
  fc.constantFrom(...POLLUTION_KEYS),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(201, 3_000).map((n) => 'k'.repeat(n)),
);
const hugeString = fc.constantFrom(64 * 1024 + 1, 300_000).map((n) => 'x'.repeat(n));
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -0, 2 ** 53, '', '\u0000', '\uD800', '../../etc/passwd', '00000000-0000-0000-0000-000000000000') },
);

/** A channel's valid input, mutated: a key dropped, retyped, added (pollution keys too), or the whole replaced. */
function mutated(channel: IpcChannel): fc.Arbitrary<unknown> {
  const valid = VALID_IPC_INPUTS[channel] as Record<string, unknown>;
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.constant(valid),
    keys.length > 0 ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))) : fc.constant(valid),
    fc.tuple(keys.length > 0 ? fc.constantFrom(...keys) : keyArb, valueArb).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.tuple(keyArb, valueArb).map(([k, v]) => JSON.parse(`{${[...Object.entries(valid).map(([a, b]) => `${JSON.stringify(a)}:${JSON.stringify(b)}`), `${JSON.stringify(k)}:${JSON.stringify(v ?? null) ?? 'null'}`].join(',')}}`) as unknown),
    fc.constantFrom(...POLLUTION_KEYS).map((k) => JSON.parse(`{"${k}": {"polluted": true}, ${JSON.stringify(valid).slice(1)}`.replace(/, }$/, '}')) as unknown),
    valueArb,
  );
}

const callArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...IPC_CHANNELS).chain((channel) => mutated(channel).map((input) => ({ channel: channel as unknown, input }))) },
  { weight: 1, arbitrary: fc.record({ channel: fc.oneof(fc.string({ maxLength: 80 }), fc.anything({ maxDepth: 1 })), input: valueArb }) },
);

interface Tally {
  inputs: number;
  refused: number;
  /** Inputs the contract accepts, which reached their (spy) service. */
  reached: number;
  crashes: string[];
}

/** Dispatches one call; a throw, or an answer outside the Result contract, is a crash. */
async function exercise(router: IpcRouter, channel: unknown, input: unknown, tally: Tally): Promise<Result<unknown> | null> {
  tally.inputs += 1;
  let answer: Result<unknown>;
  try {
    answer = await router.dispatch(channel, input, trusted);
  } catch (error) {
    tally.crashes.push(`${String(channel).slice(0, 40)} threw ${String(error).slice(0, 200)}`);
    return null;
  }
  const checked = ResultSchema.safeParse(answer);
  if (!checked.success) {
    tally.crashes.push(`${String(channel).slice(0, 40)} answered outside the Result contract: ${checked.error.issues[0]?.message ?? ''} at ${checked.error.issues[0]?.path.join('.') ?? ''}`);
    return null;
  }
  if (!answer.ok) {
    expect(ErrorCodeSchema.safeParse(answer.error.code).success).toBe(true);
    tally.refused += 1;
  }
  return answer;
}

const report = (name: string, tally: Tally) =>
  process.stdout.write(
    `fuzz ${name}: ${tally.inputs} inputs, ${tally.refused} refused with a typed error, ${tally.reached > 0 ? `${tally.reached} valid reached their service, ` : ''}${tally.crashes.length} crashes\n`,
  );

describe('IPC fuzz', () => {
  it('every channel refuses what its contract refuses, typed, before any service runs', async () => {
    const called: IpcChannel[] = [];
    const handlers = Object.fromEntries(
      IPC_CHANNELS.map((channel) => [
        channel,
        async () => {
          called.push(channel);
          return undefined; // outside every output contract: the router must still answer typed
        },
      ]),
    ) as StationHandlers;
    const router = new IpcRouter(handlers, appOriginPolicy(APP), silentLogger);
    const tally: Tally = { inputs: 0, refused: 0, reached: 0, crashes: [] };
    await fc.assert(
      fc.asyncProperty(callArb, async ({ channel, input }) => {
        const before = called.length;
        const answer = await exercise(router, channel, input, tally);
        const known = typeof channel === 'string' && (IPC_CHANNELS as string[]).includes(channel);
        const valid = known && ipcChannels[channel as IpcChannel].input.safeParse(input).success;
        if (!valid) {
          expect(called.length).toBe(before);
          expect(answer).toMatchObject({ ok: false, error: { code: known ? 'VALIDATION_FAILED' : 'UNKNOWN_CHANNEL' } });
        } else {
          expect(called.length).toBe(before + 1);
          // The spy's answer is outside the output contract: refused INTERNAL, not counted as bad input.
          expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
          tally.refused -= 1;
          tally.reached += 1;
        }
      }),
      { seed: SEED, numRuns: 2_000, interruptAfterTimeLimit: 2_500, endOnFailure: true },
    );
    report('ipc', tally);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(tally.crashes).toEqual([]);
    expect(tally.refused).toBeGreaterThan(tally.inputs / 2);
    expect(tally.reached).toBeGreaterThan(0); // the generator also makes valid input
  });

  describe('through the real station', () => {
    let dir: string;
    let station: Station;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ipc-fuzz-'));
      station = await createStation({
        platform: nodePlatformInfo(path.resolve(__dirname, '../../package.json')),
        config: StationConfigSchema.parse({}),
        log: silentLogger,
        dataDir: dir,
        secrets: new MemorySecretStore(),
        kiosk: { exitKiosk: () => undefined, quit: () => undefined },
      });
    });
    afterAll(async () => {
      await station?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('answers every generated call typed, and writes nothing for sessions it did not start', async () => {
      const router = new IpcRouter(station.handlers, appOriginPolicy(APP), silentLogger);
      const tally: Tally = { inputs: 0, refused: 0, reached: 0, crashes: [] };
      await fc.assert(
        fc.asyncProperty(callArb, async ({ channel, input }) => {
          await exercise(router, channel, input, tally);
        }),
        { seed: SEED + 1, numRuns: 1_000, interruptAfterTimeLimit: 2_000, endOnFailure: true },
      );
      report('ipc (station)', tally);
      expect(tally.crashes).toEqual([]);
      expect(await readdir(path.join(dir, 'journal')).catch(() => [])).toEqual([]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });
});
