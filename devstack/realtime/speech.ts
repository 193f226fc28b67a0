import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FRAME_MS, OPUS_RATE, encodePcm, parseWav, readOpusPackets, resample } from './opus';

/** One line the interviewer speaks: its text and its audio as 20 ms Opus packets. */
export interface VoiceLine {
  readonly text: string;
  readonly packets: readonly Buffer[];
  /** Where the audio came from: a committed fixture, espeak-ng now, or the stand-in clip. */
  readonly source: 'fixture' | 'espeak-ng' | 'stand-in';
}

const fixtures = join(import.meta.dirname, 'fixtures');
const run = promisify(execFile);

/** The line with only its first `ms` of audio (at least one frame): a rapid turn's (script.ts). */
export function shortened(line: VoiceLine, ms: number): VoiceLine {
  return { ...line, packets: line.packets.slice(0, Math.max(1, Math.round(ms / FRAME_MS))) };
}

/**
 * Finds audio for the script's lines: the committed fixture when the text matches one, else
 * espeak-ng if it is installed, else the first fixture's audio trimmed or looped to a plausible
 * length for the text (the transcript events still carry the real text).
 */
export class SpeechBank {
  private readonly fixtureLines: Map<string, Buffer[]>;
  private readonly cache = new Map<string, Promise<VoiceLine>>();

  constructor() {
    const index = JSON.parse(readFileSync(join(fixtures, 'lines.json'), 'utf8')) as { text: string; file: string }[];
    this.fixtureLines = new Map(index.map((line) => [line.text, readOpusPackets(join(fixtures, line.file))]));
  }

  line(text: string): Promise<VoiceLine> {
    let found = this.cache.get(text);
    if (!found) {
      found = this.load(text);
      this.cache.set(text, found);
    }
    return found;
  }

  private async load(text: string): Promise<VoiceLine> {
    const fixture = this.fixtureLines.get(text);
    if (fixture) return { text, packets: fixture, source: 'fixture' };
    try {
      const { stdout } = await run('espeak-ng', ['-v', 'en-us', '-s', '165', '--stdout', text], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 20_000,
      });
      const { rate, samples } = parseWav(stdout);
      return { text, packets: encodePcm(resample(samples, rate, OPUS_RATE)), source: 'espeak-ng' };
    } catch {
      return { text, packets: this.standIn(text), source: 'stand-in' };
    }
  }

  private standIn(text: string): Buffer[] {
    const clip = [...this.fixtureLines.values()][0] ?? [];
    // About 65 ms of speech per character at espeak-ng's 165 words per minute.
    const frames = Math.max(25, Math.round((text.length * 65) / FRAME_MS));
    return Array.from({ length: frames }, (_, i) => clip[i % clip.length] ?? Buffer.alloc(0)).filter((p) => p.length > 0);
  }
}
