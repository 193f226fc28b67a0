import { describe, expect, it } from 'vitest';
import { KioskCloseGuard, type CloseAttempt } from './closeGuard';
import { requireDisplaysAllowed, withDisplayPolicy } from './displayPolicy';

const ATTEMPTS: CloseAttempt[] = ['close', 'quit', 'minimize', 'session-end'];

describe('kiosk close guard', () => {
  it('in kiosk mode refuses close, quit, minimise and the OS session end', () => {
    const guard = new KioskCloseGuard(true);
    for (const attempt of ATTEMPTS) expect(guard.decide(attempt)).toBe('refuse');
  });

  it('outside kiosk mode allows all of them', () => {
    const guard = new KioskCloseGuard(false);
    for (const attempt of ATTEMPTS) expect(guard.decide(attempt)).toBe('allow');
  });

  it("the proctor's quit unlocks quitting; leaving kiosk mode allows everything after", () => {
    const quitting = new KioskCloseGuard(true);
    quitting.unlockQuit();
    expect(quitting.decide('quit')).toBe('allow');
    expect(quitting.decide('close')).toBe('allow');

    const left = new KioskCloseGuard(true);
    left.leaveKiosk();
    expect(left.inKiosk).toBe(false);
    for (const attempt of ATTEMPTS) expect(left.decide(attempt)).toBe('allow');
  });
});

describe('display policy', () => {
  it('allows up to maxDisplays and refuses more, saying what to do', () => {
    expect(() => requireDisplaysAllowed(1, 1)).not.toThrow();
    expect(() => requireDisplaysAllowed(2, 2)).not.toThrow();
    expect(() => requireDisplaysAllowed(2, 1)).toThrow(/2 displays attached and its policy allows 1\. Disconnect the extra display/);
    let refusal: unknown;
    try {
      requireDisplaysAllowed(3, 1);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ error: { code: 'CONFLICT', retryable: false } });
  });
});

describe('interview:start under the display policy', () => {
  it('refuses before the interview service runs, and passes through once the extra display is gone', async () => {
    let displays = 2;
    const started: unknown[] = [];
    const handlers = withDisplayPolicy(
      { 'interview:start': (input) => (started.push(input), Promise.resolve({ sessionId: 'x' } as never)) },
      () => displays,
      1,
    );
    const input = {} as Parameters<NonNullable<typeof handlers['interview:start']>>[0];
    await expect(handlers['interview:start']?.(input)).rejects.toMatchObject({ error: { code: 'CONFLICT' } });
    expect(started).toEqual([]);
    displays = 1;
    await expect(handlers['interview:start']?.(input)).resolves.toEqual({ sessionId: 'x' });
    expect(started).toHaveLength(1);
  });
});
