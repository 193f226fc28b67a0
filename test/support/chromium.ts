import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './paths';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags that keep Chromium off the (closed) network and give it a fake microphone. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run "bash scripts/bootstrap.sh" (installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Chromium for whole interviews: the fake microphone plays the candidate fixture, autoplay and loopback WebRTC allowed. */
export function launchInterviewBrowser(): Promise<Browser> {
  const fakeMic = path.join(ROOT, 'devstack', 'realtime', 'fixtures', 'candidate.wav');
  return launchChromium([`--use-file-for-fake-audio-capture=${fakeMic}`, '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection']);
}
