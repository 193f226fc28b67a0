import { describe, expect, it } from 'vitest';
import { EnergyVad, describeSpeech, thresholdToDbfs } from './vad';

const settings = { thresholdDbfs: -45, prefixPaddingMs: 300, silenceDurationMs: 500, minSpeechMs: 100 };

/** Feeds 20 ms frames: `ms` of audio at `dbfs`, returning the events. */
function feed(vad: EnergyVad, ms: number, dbfs: number) {
  const events = [];
  for (let t = 0; t < ms; t += 20) {
    const event = vad.push(20, dbfs);
    if (event) events.push(event);
  }
  return events;
}

describe('EnergyVad', () => {
  it('reports a turn with its start (less the prefix padding), end and speech length', () => {
    const vad = new EnergyVad(settings);
    expect(feed(vad, 1000, -80)).toEqual([]);
    expect(feed(vad, 3200, -20)).toEqual([{ type: 'start', audioStartMs: 700 }]);
    expect(vad.speaking).toBe(true);
    expect(feed(vad, 1000, -80)).toEqual([{ type: 'stop', audioStartMs: 700, audioEndMs: 4200, speechMs: 3200 }]);
    expect(vad.speaking).toBe(false);
  });

  it('keeps one turn through pauses shorter than the silence duration', () => {
    const vad = new EnergyVad(settings);
    const events = [...feed(vad, 1000, -20), ...feed(vad, 300, -80), ...feed(vad, 1000, -20), ...feed(vad, 600, -80)];
    expect(events.map((e) => e.type)).toEqual(['start', 'stop']);
    expect(events[1]).toMatchObject({ speechMs: 2300 });
  });

  it('ignores clicks shorter than the minimum speech length and quiet noise', () => {
    const vad = new EnergyVad(settings);
    expect([...feed(vad, 60, -10), ...feed(vad, 500, -80), ...feed(vad, 2000, -50)]).toEqual([]);
  });

  it('follows a new threshold after configure()', () => {
    const vad = new EnergyVad(settings);
    vad.configure({ ...settings, thresholdDbfs: thresholdToDbfs(0.9) });
    expect(feed(vad, 1000, -30)).toEqual([]);
    expect(feed(vad, 1000, -15)).toHaveLength(1);
  });
});

describe('describeSpeech', () => {
  it('says what was heard, not what was said', () => {
    expect(describeSpeech(3240)).toBe('[candidate speech, 3.2 s]');
    expect(thresholdToDbfs(0.5)).toBe(-45);
  });
});
