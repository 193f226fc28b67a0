/** What the energy detector reports; times are milliseconds of inbound audio since the call began. */
export type VadEvent =
  | { type: 'start'; audioStartMs: number }
  | { type: 'stop'; audioStartMs: number; audioEndMs: number; speechMs: number };

export interface VadSettings {
  /** Frames louder than this (dBFS) count as voiced. */
  readonly thresholdDbfs: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
  /** Voiced audio needed before a turn starts, so a click is not a turn. */
  readonly minSpeechMs: number;
}

/**
 * Maps the session's `server_vad.threshold` (0..1, default 0.5) to a level: 0.5 is -45 dBFS, well
 * above a quiet room through WebRTC's processing and well below speech at a normal distance.
 */
export function thresholdToDbfs(threshold: number): number {
  return -70 + 50 * threshold;
}

/**
 * A simple energy voice-activity detector, fed one decoded frame at a time. It knows when someone
 * spoke and for how long, never what they said.
 */
export class EnergyVad {
  private clockMs = 0;
  private voicedSinceMs: number | null = null;
  private inTurn = false;
  private turnStartMs = 0;
  private lastVoicedEndMs = 0;

  constructor(private settings: VadSettings) {}

  configure(settings: VadSettings): void {
    this.settings = settings;
  }

  get speaking(): boolean {
    return this.inTurn;
  }

  push(frameMs: number, levelDbfs: number): VadEvent | null {
    const frameStart = this.clockMs;
    this.clockMs += frameMs;
    const voiced = levelDbfs > this.settings.thresholdDbfs;
    if (voiced) {
      this.lastVoicedEndMs = this.clockMs;
      this.voicedSinceMs ??= frameStart;
      if (!this.inTurn && this.clockMs - this.voicedSinceMs >= this.settings.minSpeechMs) {
        this.inTurn = true;
        this.turnStartMs = this.voicedSinceMs;
        return { type: 'start', audioStartMs: Math.max(0, this.turnStartMs - this.settings.prefixPaddingMs) };
      }
      return null;
    }
    if (!this.inTurn) {
      this.voicedSinceMs = null;
      return null;
    }
    if (this.clockMs - this.lastVoicedEndMs >= this.settings.silenceDurationMs) {
      this.inTurn = false;
      this.voicedSinceMs = null;
      return {
        type: 'stop',
        audioStartMs: Math.max(0, this.turnStartMs - this.settings.prefixPaddingMs),
        audioEndMs: this.lastVoicedEndMs,
        speechMs: this.lastVoicedEndMs - this.turnStartMs,
      };
    }
    return null;
  }
}

/** The candidate transcript: an honest description of what was heard, not recognised words. */
export function describeSpeech(speechMs: number): string {
  return `[candidate speech, ${(speechMs / 1000).toFixed(1)} s]`;
}
