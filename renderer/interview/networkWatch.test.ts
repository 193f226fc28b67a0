import { describe, expect, it } from 'vitest';
import { callReachable, NETWORK_PROBE, sleepUnlessOnline, waitForNetwork } from './networkWatch';

describe('waiting for the network while paused', () => {
  it('probes at growing intervals up to the cap until the services answer', async () => {
    const slept: number[] = [];
    const answers = [false, false, false, false, false, true];
    let probes = 0;
    const back = await waitForNetwork({ probe: async () => answers[probes++]!, sleep: async (ms) => void slept.push(ms), random: () => 1, cancelled: () => false });
    expect(back).toBe(true);
    expect(probes).toBe(6);
    expect(slept).toEqual([1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(Math.max(...slept)).toBe(NETWORK_PROBE.maxDelayMs);
  });

  it('counts a probe that throws as "not yet", and stops when cancelled (the interview was ended)', async () => {
    let cancelled = false;
    let probes = 0;
    const outcome = await waitForNetwork({
      probe: async () => {
        probes += 1;
        if (probes === 2) cancelled = true;
        throw new Error('bridge closed');
      },
      sleep: async () => undefined,
      random: () => 0,
      cancelled: () => cancelled,
    });
    expect({ outcome, probes }).toEqual({ outcome: false, probes: 2 });
  });

  it('does not report the network back if the interview ended while the probe ran', async () => {
    let cancelled = false;
    const outcome = await waitForNetwork({ probe: async () => ((cancelled = true), true), sleep: async () => undefined, random: () => 0, cancelled: () => cancelled });
    expect(outcome).toBe(false);
  });

  it('needs the token service and the Realtime API for a call, not Supabase', () => {
    expect(callReachable({ supabase: false, tokenService: true, realtime: true })).toBe(true);
    expect(callReachable({ supabase: true, tokenService: false, realtime: true })).toBe(false);
    expect(callReachable({ supabase: true, tokenService: true, realtime: false })).toBe(false);
    expect(callReachable({ supabase: null, tokenService: null, realtime: null })).toBe(false);
  });
});

describe('the online event', () => {
  it('cuts the wait short (the next probe comes at once) and leaves no listener behind', async () => {
    const target = new EventTarget();
    let listeners = 0;
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (...args: Parameters<EventTarget['addEventListener']>) => (listeners++, add(...args));
    target.removeEventListener = (...args: Parameters<EventTarget['removeEventListener']>) => (listeners--, remove(...args));
    // An hour's sleep: only the event can end it within the test's timeout.
    const slept = sleepUnlessOnline(3_600_000, target);
    target.dispatchEvent(new Event('online'));
    await slept;
    expect(listeners).toBe(0);
  });
});
