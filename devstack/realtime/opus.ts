import { readFileSync } from 'node:fs';
import OpusScript from 'opusscript';

/** WebRTC's Opus clock: 48 kHz, and the simulator always uses 20 ms frames. */
export const OPUS_RATE = 48_000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (OPUS_RATE / 1000) * FRAME_MS;

/**
 * Opus packets stored one after the other as `[u16 big-endian length][packet]`, after a 4-byte
 * magic. A container this small needs no demuxer, and the committed fixtures stay a few KB each.
 */
const MAGIC = Buffer.from('OPK1');

export function writeOpusPackets(packets: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [MAGIC];
  for (const packet of packets) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(packet.length);
    parts.push(length, packet);
  }
  return Buffer.concat(parts);
}

export function readOpusPackets(file: string): Buffer[] {
  const data = readFileSync(file);
  if (!data.subarray(0, 4).equals(MAGIC)) throw new Error(`${file} is not an OPK1 packet file`);
  const packets: Buffer[] = [];
  let offset = 4;
  while (offset + 2 <= data.length) {
    const length = data.readUInt16BE(offset);
    packets.push(data.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return packets;
}

/** Encodes 48 kHz mono signed 16-bit PCM into 20 ms Opus packets (the last frame zero-padded). */
export function encodePcm(pcm: Int16Array, bitrate = 16_000): Buffer[] {
  const encoder = new OpusScript(OPUS_RATE, 1, OpusScript.Application.VOIP);
  try {
    encoder.setBitrate(bitrate);
    const packets: Buffer[] = [];
    for (let start = 0; start < pcm.length; start += FRAME_SAMPLES) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(start, Math.min(start + FRAME_SAMPLES, pcm.length)));
      // opusscript returns a view into its WebAssembly heap: copy before the next call reuses it.
      packets.push(Buffer.from(encoder.encode(Buffer.from(frame.buffer), FRAME_SAMPLES)));
    }
    return packets;
  } finally {
    encoder.delete();
  }
}

/** Decodes inbound Opus to mono PCM and reports each frame's level. One decoder per stream. */
export class OpusLevelMeter {
  private readonly decoder = new OpusScript(OPUS_RATE, 1, OpusScript.Application.VOIP);

  /** Returns the decoded duration and RMS level in dBFS (-100 for digital silence), or null if undecodable. */
  measure(packet: Buffer): { ms: number; dbfs: number } | null {
    let pcm: Buffer;
    try {
      pcm = this.decoder.decode(packet);
    } catch {
      return null;
    }
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
    if (samples.length === 0) return null;
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length) / 32768;
    return { ms: (samples.length / OPUS_RATE) * 1000, dbfs: rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100 };
  }

  dispose(): void {
    this.decoder.delete();
  }
}

/** Reads a RIFF/WAVE file of 16-bit PCM (as espeak-ng writes it): sample rate and the first channel. */
export function parseWav(data: Buffer): { rate: number; samples: Int16Array } {
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let rate = 0;
  let channels = 1;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    // espeak-ng writing to a pipe leaves the size fields at 0xFFFFFFFF: clamp to what is there.
    const size = Math.min(data.readUInt32LE(offset + 4), data.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (data.readUInt16LE(body + 14) !== 16) throw new Error('only 16-bit WAV is supported');
      channels = data.readUInt16LE(body + 2);
      rate = data.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const all = new Int16Array(data.buffer.slice(data.byteOffset + body, data.byteOffset + body + (size & ~1)));
      const samples = new Int16Array(Math.floor(all.length / channels));
      for (let i = 0; i < samples.length; i++) samples[i] = all[i * channels] ?? 0;
      return { rate, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/** Linear-interpolation resampling: plenty for speech that is only ever heard by tests and people. */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples;
  const out = new Int16Array(Math.floor((samples.length * toRate) / fromRate));
  const step = fromRate / toRate;
  for (let i = 0; i < out.length; i++) {
    const pos = i * step;
    const left = Math.floor(pos);
    const frac = pos - left;
    const a = samples[left] ?? 0;
    const b = samples[left + 1] ?? a;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}
