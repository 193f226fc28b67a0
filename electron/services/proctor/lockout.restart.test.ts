import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../log';
import { lockoutFile } from './lockoutFile';
import { hashPin } from './pin';
import { LOCKOUT_MS, MAX_ATTEMPTS, ProctorService } from './proctorService';

/** Cheap cost for tests; the product's default is far higher. */
const TEST_COST = { N: 1024, r: 8, p: 1 };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A station "process": a new ProctorService over the same data folder, as after a restart. */
async function boot(file: string, now: () => number) {
  const kiosk = { exitKiosk: vi.fn(), quit: vi.fn() };
  const proctor = new ProctorService({ pinHash: await hashPin('482913', TEST_COST), kiosk, log: silentLogger, now, lockout: lockoutFile(file, LOCKOUT_MS, now) });
  return { proctor, kiosk };
}

function scratchFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'station-lockout-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'proctor-lockout.json');
}

const wrong = { pin: '000000', action: 'quit' } as const;
const right = { pin: '482913', action: 'quit' } as const;

describe('PIN lockout across restarts', () => {
  it('a lockout in force is still in force after a restart, even for the right PIN', async () => {
    const file = scratchFile();
    let now = 1_000_000;
    const first = await boot(file, () => now);
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await expect(first.proctor.unlock(wrong)).rejects.toMatchObject({ error: { code: 'PROCTOR_PIN_INVALID' } });
    await expect(first.proctor.unlock(wrong)).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });

    const second = await boot(file, () => now);
    await expect(second.proctor.unlock(right)).rejects.toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('60 s') } });
    expect(second.kiosk.quit).not.toHaveBeenCalled();
    now += LOCKOUT_MS;
    expect(await second.proctor.unlock(right)).toEqual({ unlocked: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('wrong PINs before a restart still count after it, and the next lockout doubles', async () => {
    const file = scratchFile();
    let now = 0;
    const first = await boot(file, () => now);
    for (let i = 0; i < MAX_ATTEMPTS; i++) await first.proctor.unlock(wrong).catch(() => undefined);
    now += LOCKOUT_MS;
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await first.proctor.unlock(wrong).catch(() => undefined);

    // Restarting does not give back the attempts used: one more wrong PIN locks, for twice as long.
    const second = await boot(file, () => now);
    await expect(second.proctor.unlock(wrong)).rejects.toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('120 s') } });
  });

  it('the right PIN clears the record for the next run', async () => {
    const file = scratchFile();
    const first = await boot(file, () => 0);
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await first.proctor.unlock(wrong).catch(() => undefined);
    await first.proctor.unlock(right);
    const second = await boot(file, () => 0);
    await expect(second.proctor.unlock(wrong)).rejects.toMatchObject({ error: { code: 'PROCTOR_PIN_INVALID', message: expect.stringContaining(`${MAX_ATTEMPTS - 1} attempts left`) } });
  });

  it('a damaged record fails closed: the station starts locked out', async () => {
    const file = scratchFile();
    const first = await boot(file, () => 0);
    await first.proctor.unlock(wrong).catch(() => undefined);
    writeFileSync(file, '{"failures": "a lot"');
    const second = await boot(file, () => 0);
    await expect(second.proctor.unlock(right)).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });
});
