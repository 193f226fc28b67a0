import { OpusLevelMeter } from './opus';
import type { RealtimeSession } from './session';
import { EnergyVad, type VadEvent, type VadSettings, thresholdToDbfs } from './vad';

/** What the simulator measured of the candidate's microphone. */
export interface InboundStats {
  packets: number;
  bytes: number;
  decodedMs: number;
  peakDbfs: number;
  voicedMs: number;
  turns: number;
}

/** The session's turn detection as energy-VAD settings (semantic VAD behaves like server VAD here). */
export function vadSettingsFor(session: RealtimeSession): VadSettings {
  const td = session.audio.input.turn_detection;
  const vad = td?.type === 'server_vad' ? td : undefined;
  return {
    thresholdDbfs: thresholdToDbfs(vad?.threshold ?? 0.5),
    prefixPaddingMs: vad?.prefix_padding_ms ?? 300,
    silenceDurationMs: vad?.silence_duration_ms ?? 500,
    minSpeechMs: 100,
  };
}

/** Decodes and measures each inbound Opus packet and runs the energy VAD over the levels. */
export class InboundListener {
  readonly stats: InboundStats = { packets: 0, bytes: 0, decodedMs: 0, peakDbfs: -100, voicedMs: 0, turns: 0 };
  private readonly meter = new OpusLevelMeter();
  private readonly vad: EnergyVad;

  constructor(settings: VadSettings) {
    this.vad = new EnergyVad(settings);
  }

  configure(settings: VadSettings): void {
    this.vad.configure(settings);
  }

  /** Measures one packet; returns a turn boundary if there is one (never with turn detection off). */
  push(payload: Buffer, detectTurns: boolean): VadEvent | null {
    this.stats.packets += 1;
    this.stats.bytes += payload.length;
    const level = this.meter.measure(payload);
    if (!level) return null;
    this.stats.decodedMs += level.ms;
    this.stats.peakDbfs = Math.max(this.stats.peakDbfs, level.dbfs);
    if (!detectTurns) return null;
    const wasSpeaking = this.vad.speaking;
    const event = this.vad.push(level.ms, level.dbfs);
    if (wasSpeaking || event?.type === 'start') this.stats.voicedMs += level.ms;
    if (event?.type === 'stop') this.stats.turns += 1;
    return event;
  }

  dispose(): void {
    this.meter.dispose();
  }
}
