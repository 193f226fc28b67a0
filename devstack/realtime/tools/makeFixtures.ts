/**
 * Regenerates the committed speech fixtures with espeak-ng (apt-get install espeak-ng):
 *   npx tsx devstack/realtime/tools/makeFixtures.ts
 * - fixtures/line-N.opk: the default script's lines as 20 ms Opus packets (48 kHz mono, 16 kbps);
 * - fixtures/candidate.wav: the candidate's answer for Chromium's fake microphone (16 kHz mono),
 *   with silence around it so a looping fake microphone makes separate turns.
 * CI never runs this: the outputs are committed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPUS_RATE, encodePcm, parseWav, resample, writeOpusPackets } from '../opus';
import { CANDIDATE_FIXTURE_TEXT, DEFAULT_SCRIPT } from '../script';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

function speak(text: string): { rate: number; samples: Int16Array } {
  return parseWav(execFileSync('espeak-ng', ['-v', 'en-us', '-s', '165', '--stdout', text]));
}

function wav(samples: Int16Array, rate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

const index: { text: string; file: string }[] = [];
DEFAULT_SCRIPT.lines.forEach((text, i) => {
  const { rate, samples } = speak(text);
  const file = `line-${i + 1}.opk`;
  writeFileSync(join(fixtures, file), writeOpusPackets(encodePcm(resample(samples, rate, OPUS_RATE))));
  index.push({ text, file });
});
writeFileSync(join(fixtures, 'lines.json'), `${JSON.stringify(index, null, 2)}\n`);

const candidate = speak(CANDIDATE_FIXTURE_TEXT);
const rate = 16_000;
const speech = resample(candidate.samples, candidate.rate, rate);
const padded = new Int16Array(Math.round(rate * 0.3) + speech.length + Math.round(rate * 1.5));
padded.set(speech, Math.round(rate * 0.3));
writeFileSync(join(fixtures, 'candidate.wav'), wav(padded, rate));
console.log(`wrote ${index.length} lines and candidate.wav (${(speech.length / rate).toFixed(2)} s of speech)`);
