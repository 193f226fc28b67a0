import { describe, expect, it } from 'vitest';
import type { MicrophoneChange } from './microphoneFallback';
import { MicrophoneWatch } from './microphoneWatch';
import { StandInMediaDevices, type StandInTrack } from './standInMediaDevices.fixture';

/**
 * The watch against a STAND-IN MediaDevices (standInMediaDevices.fixture.ts): Chromium's fake
 * microphones cannot be unplugged, so the browser's side of an unplug is modelled there.
 */
const headset = { deviceId: 'h', label: 'Jabra Evolve2 65' };
const speakerphone = { deviceId: 's', label: 'Jabra Speak 510' };
const builtIn = { deviceId: 'b', label: 'Built-in Microphone' };

async function setup(allowed: readonly string[], devices = [headset, speakerphone, builtIn]) {
  const media = new StandInMediaDevices(devices);
  const changes: MicrophoneChange[] = [];
  const adopted: MediaStream[] = [];
  const watch = new MicrophoneWatch({
    mediaDevices: media,
    allowed,
    adopt: (stream) => adopted.push(stream),
    onChange: (change) => changes.push(change),
    onOptions: () => undefined,
  });
  // The interview's stream, opened at the device check on the headset.
  watch.watch(await media.getUserMedia({ audio: { deviceId: { exact: 'h' } } }));
  const inUse = () => (adopted.at(-1)?.getAudioTracks()[0] as unknown as StandInTrack | undefined) ?? null;
  return { media, watch, changes, adopted, inUse };
}

describe('the microphone in use is unplugged (stand-in MediaDevices)', () => {
  it('opens the next allowed microphone with the same processing and says which, once', async () => {
    const { media, watch, changes, inUse } = await setup([]);
    media.unplug('h');
    await watch.settled();
    expect(inUse()?.deviceId).toBe('s');
    expect(inUse()?.constraints).toMatchObject({ deviceId: { exact: 's' }, echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(changes).toEqual([{ kind: 'switched', label: 'Jabra Speak 510' }]);
  });

  it('does the same when devicechange arrives before the track ends', async () => {
    const { media, watch, changes, inUse } = await setup([]);
    media.unplug('h', { endedFirst: false });
    await watch.settled();
    expect(inUse()?.deviceId).toBe('s');
    expect(changes).toEqual([{ kind: 'switched', label: 'Jabra Speak 510' }]);
  });

  it('changes nothing when another device comes or goes', async () => {
    const { media, watch, changes, adopted } = await setup([]);
    media.unplug('b');
    media.plug({ deviceId: 'x', label: 'USB Audio' });
    await watch.settled();
    expect(adopted).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('never picks a microphone the configuration does not allow: pauses and asks, then resumes with the next allowed one plugged in', async () => {
    const { media, watch, changes, adopted, inUse } = await setup(['evolve']);
    media.unplug('h');
    await watch.settled();
    expect(adopted).toEqual([]);
    expect(changes).toEqual([{ kind: 'missing' }]);

    media.plug({ deviceId: 'y', label: 'Logitech USB Headset' });
    await watch.settled();
    expect(adopted).toEqual([]);
    expect(changes).toEqual([{ kind: 'missing' }]);

    media.plug(headset);
    await watch.settled();
    expect(inUse()?.deviceId).toBe('h');
    expect(changes).toEqual([{ kind: 'missing' }, { kind: 'resumed', label: 'Jabra Evolve2 65' }]);
  });

  it('skips a microphone that will not open and takes the next', async () => {
    const { media, watch, changes, inUse } = await setup([]);
    media.unreadable.add('s');
    media.unplug('h');
    await watch.settled();
    expect(inUse()?.deviceId).toBe('b');
    expect(changes).toEqual([{ kind: 'switched', label: 'Built-in Microphone' }]);
  });

  it('follows the replacement: unplugging that one too moves on again', async () => {
    const { media, watch, changes, inUse } = await setup([]);
    media.unplug('h');
    await watch.settled();
    media.unplug('s');
    await watch.settled();
    expect(inUse()?.deviceId).toBe('b');
    expect(changes).toEqual([
      { kind: 'switched', label: 'Jabra Speak 510' },
      { kind: 'switched', label: 'Built-in Microphone' },
    ]);
  });

  it('does nothing once disposed (the interview is over)', async () => {
    const { media, watch, changes, adopted } = await setup([]);
    watch.dispose();
    media.unplug('h');
    await watch.settled();
    expect(adopted).toEqual([]);
    expect(changes).toEqual([]);
  });
});
