import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../log';
import { hashPin, verifyPin } from './pin';
import { LOCKOUT_MS, MAX_ATTEMPTS, ProctorService } from './proctorService';

/** Cheap cost for tests; the product's default is far higher. */
const TEST_COST = { N: 1024, r: 8, p: 1 };

async function service(now: () => number) {
  const kiosk = { exitKiosk: vi.fn(), quit: vi.fn() };
  const proctor = new ProctorService({ pinHash: await hashPin('482913', TEST_COST), kiosk, log: silentLogger, now });
  return { proctor, kiosk };
}

describe('proctor PIN', () => {
  it('hashes with a salt and verifies only the right PIN', async () => {
    const a = await hashPin('482913', TEST_COST);
    const b = await hashPin('482913', TEST_COST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('482913');
    expect(await verifyPin('482913', a)).toBe(true);
    expect(await verifyPin('482914', a)).toBe(false);
    expect(await verifyPin('482913', 'scrypt$x$8$1$c2FsdA==$aGFzaA==')).toBe(false);
    expect(await verifyPin('482913', '482913')).toBe(false);
  });

  it('leaves kiosk mode or quits with the right PIN', async () => {
    const { proctor, kiosk } = await service(() => 0);
    expect(await proctor.unlock({ pin: '482913', action: 'exit-kiosk' })).toEqual({ unlocked: true });
    expect(kiosk.exitKiosk).toHaveBeenCalledOnce();
    await proctor.unlock({ pin: '482913', action: 'quit' });
    expect(kiosk.quit).toHaveBeenCalledOnce();
  });

  it('counts wrong PINs, then locks out for a doubling time, refusing even the right PIN', async () => {
    let now = 0;
    const { proctor, kiosk } = await service(() => now);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await expect(proctor.unlock({ pin: '000000', action: 'quit' })).rejects.toMatchObject({
        error: { code: 'PROCTOR_PIN_INVALID', message: `Wrong PIN. ${MAX_ATTEMPTS - attempt} attempts left.` },
      });
    }
    await expect(proctor.unlock({ pin: '000000', action: 'quit' })).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });
    await expect(proctor.unlock({ pin: '482913', action: 'quit' })).rejects.toMatchObject({ error: { code: 'RATE_LIMITED', message: 'Too many wrong PINs. Try again in 60 s.' } });
    now = LOCKOUT_MS;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) await proctor.unlock({ pin: '111111', action: 'quit' }).catch(() => undefined);
    await expect(proctor.unlock({ pin: '482913', action: 'quit' })).rejects.toMatchObject({ error: { message: 'Too many wrong PINs. Try again in 120 s.' } });
    now += 2 * LOCKOUT_MS;
    await proctor.unlock({ pin: '482913', action: 'quit' });
    expect(kiosk.quit).toHaveBeenCalledOnce();
  });

  it('unlocks nothing when no PIN is configured', async () => {
    const kiosk = { exitKiosk: vi.fn(), quit: vi.fn() };
    const proctor = new ProctorService({ pinHash: undefined, kiosk, log: silentLogger });
    await expect(proctor.unlock({ pin: '1234', action: 'quit' })).rejects.toMatchObject({ error: { code: 'CONFIGURATION_INVALID' } });
    expect(kiosk.quit).not.toHaveBeenCalled();
  });
});

describe('proctor PIN under parallel guessing', () => {
  it('never checks more than the allowed number of wrong PINs, however many arrive at once', async () => {
    const { proctor, kiosk } = await service(() => 0);
    const guesses = Array.from({ length: 200 }, (_, n) => String(n).padStart(6, '0'));
    const results = await Promise.allSettled(guesses.map((pin) => proctor.unlock({ pin, action: 'quit' })));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { error: { code: string } }).error.code : 'OK'));
    expect(codes.filter((c) => c === 'PROCTOR_PIN_INVALID')).toHaveLength(MAX_ATTEMPTS - 1);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(200 - (MAX_ATTEMPTS - 1));
    expect(kiosk.quit).not.toHaveBeenCalled();
  });
});
