import { describe, expect, it } from 'vitest';
import { nextMicrophone, type MicrophoneSituation } from './microphoneFallback';

const mic = (deviceId: string, label: string) => ({ kind: 'audioinput' as const, deviceId, label });
const headset = mic('h', 'Jabra Evolve2 65');
const usb = mic('u', 'Jabra Speak 510');
const builtIn = mic('b', 'Built-in Microphone');
const systemDefault = mic('default', 'Default - Jabra Speak 510');
const speaker = { kind: 'audiooutput' as const, deviceId: 'o', label: 'Jabra Evolve2 65' };

function decide(situation: Partial<MicrophoneSituation>) {
  return nextMicrophone({ devices: [headset, usb, builtIn, speaker], allowed: [], inUse: null, exclude: [], ...situation });
}

describe('which microphone next', () => {
  it('keeps the microphone in use while its track is live and it is still listed', () => {
    expect(decide({ inUse: 'u' })).toEqual({ kind: 'keep' });
  });

  it('moves to another one when the one in use is no longer listed (devicechange), never to the lost one', () => {
    expect(decide({ devices: [usb, builtIn], inUse: 'h' })).toEqual({ kind: 'switch', to: { deviceId: 'u', label: 'Jabra Speak 510' } });
    expect(decide({ inUse: null, exclude: ['h'] })).toEqual({ kind: 'switch', to: { deviceId: 'u', label: 'Jabra Speak 510' } });
  });

  it('picks only a microphone the configuration allows, in the order the configuration lists them', () => {
    expect(decide({ allowed: ['jabra'], devices: [builtIn, usb], exclude: ['h'] })).toEqual({ kind: 'switch', to: { deviceId: 'u', label: 'Jabra Speak 510' } });
    expect(decide({ allowed: ['built-in', 'evolve'], exclude: ['u'] })).toEqual({ kind: 'switch', to: { deviceId: 'b', label: 'Built-in Microphone' } });
    expect(decide({ allowed: ['evolve', 'built-in'], devices: [builtIn, headset] })).toEqual({ kind: 'switch', to: { deviceId: 'h', label: 'Jabra Evolve2 65' } });
  });

  it('says none is left when only microphones the configuration does not allow (or outputs) remain', () => {
    expect(decide({ allowed: ['evolve'], devices: [usb, builtIn, speaker], exclude: ['h'] })).toEqual({ kind: 'none' });
    expect(decide({ devices: [speaker], exclude: ['h'] })).toEqual({ kind: 'none' });
    expect(decide({ devices: [headset], exclude: ['h'] })).toEqual({ kind: 'none' });
  });

  it('prefers a real device to the system default alias, which may point anywhere', () => {
    expect(decide({ devices: [systemDefault, builtIn], exclude: ['h'] })).toEqual({ kind: 'switch', to: { deviceId: 'b', label: 'Built-in Microphone' } });
    expect(decide({ devices: [systemDefault], exclude: ['h'] })).toEqual({ kind: 'switch', to: { deviceId: 'default', label: 'Default - Jabra Speak 510' } });
  });

  it('takes back the same headset when it is plugged in again while none was left', () => {
    expect(decide({ devices: [headset], inUse: null, exclude: [] })).toEqual({ kind: 'switch', to: { deviceId: 'h', label: 'Jabra Evolve2 65' } });
  });
});
