import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium as launchDebianChromium } from '../../../test/support/chromium';

/** The fake microphone: a committed WAV of a sentence with silence after it (Chromium loops it). */
export const CANDIDATE_WAV = join(import.meta.dirname, '..', 'fixtures', 'candidate.wav');

/**
 * Debian's Chromium with a fake microphone playing `wav`, per ENVIRONMENT.md. Loopback peer
 * connections must be allowed: the test machines have no other interface.
 */
export function launchChromium(wav = CANDIDATE_WAV): Promise<Browser> {
  return launchDebianChromium([
    `--use-file-for-fake-audio-capture=${wav}`,
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ]);
}
