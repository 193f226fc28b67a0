import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchInterviewBrowser } from '../support/chromium';
import { endInterview, finalCount, goLive, openCall, roomStatus, screenshots } from '../support/interviewPage';
import { controlledSimulatorComponent, importRealtimeModule, importStackModule, longScript, restartableTokenServiceComponent, startStation, stopSuite } from '../support/interviewStack';
import type { CallSnapshot, SimulatorHandle } from '../support/simulatorModule';
import { startGate, type Gate } from '../support/tcpGate';
import type { WebHostProcess } from '../support/webHostProcess';

/**
 * Degradation (issue 14), in Debian Chromium through the web host against the whole local stack,
 * hybrid mode, the station's Supabase behind a gate: a candidate transcription fails, then
 * transcript uploads fail (Supabase unreachable), then the token service restarts (the sideband's
 * copy of the transcript is lost), then the microphone in use goes away, and then every allowed one
 * does (the interview pauses on the same call until one is back). Each
 * time the room shows a warning saying what is affected and what happens next, while the interview
 * stays "Live" on the same realtime call and its audio goes on both ways (the simulator keeps
 * receiving the candidate's voice and sending the interviewer's).
 *
 * The microphone: Chromium's fake microphones cannot be unplugged, and `track.stop()` does not fire
 * `ended` (only the end of the source does). So the page stops the track in use and dispatches
 * `ended` on it itself: from that event on it is the station's real path (MicrophoneWatch, a real
 * getUserMedia of another fake device, RTCRtpSender.replaceTrack on the running peer connection),
 * but the browser's own end of a track on unplug is not driven here. To unplug every allowed
 * microphone the page also lists them as gone (a stand-in `enumerateDevices` filter, named as such)
 * and, to plug them back, stops filtering and dispatches `devicechange`. The unit tests cover the
 * same decisions against a stand-in MediaDevices (renderer/interview/microphoneWatch.test.ts).
 */

/** The managed configuration allows two of Chromium's three fake microphones. */
const ALLOWED_MICROPHONES = ['Fake Default Audio Input', 'Fake Audio Input 2'];
const TRANSCRIPTION_WARNING = "The candidate's last answer could not be transcribed.";
const UPLOAD_WARNING = 'Transcripts cannot be uploaded right now; everything is kept on this station and will upload when the connection returns.';
const SIDEBAND_WARNING = "The server's copy of the transcript is interrupted.";
const MICROPHONE_PAUSED_MESSAGE =
  'Microphone disconnected. The interview is paused until a microphone is connected, then continues where it left off. Nothing said so far is lost.';
let stack: { info: Record<string, unknown>; stop(): Promise<void> };
let sim: SimulatorHandle;
let supabaseGate: Gate;
let restartTokenService: () => Promise<void>;
let browser: Browser;
const hosts: WebHostProcess[] = [];

beforeAll(async () => {
  const stackModule = await importStackModule();
  const realtime = await importRealtimeModule();
  // Long enough that the interviewer is still speaking when each fault has been shown.
  const script = longScript(realtime, 30);
  const simulatorComponent = controlledSimulatorComponent(realtime, script, (handle) => (sim = handle));
  const restartableTokenService = restartableTokenServiceComponent(stackModule, (service) => (restartTokenService = service.restart));
  stack = await stackModule.startStack([stackModule.supabaseComponent, simulatorComponent, restartableTokenService], { temp: true });
  supabaseGate = await startGate(String(stack.info['supabaseUrl']));
  browser = await launchInterviewBrowser();
}, 240_000);

afterAll(() => stopSuite({ browser, hosts, gates: [supabaseGate], stack }), 60_000);

async function station(): Promise<WebHostProcess> {
  const host = await startStation(stack.info, { mode: 'hybrid', supabaseUrl: supabaseGate.url, policy: JSON.stringify({ allowedMicrophones: ALLOWED_MICROPHONES }) });
  hosts.push(host);
  return host;
}

const shot = screenshots('degradation');

/** Sign in → check-in with consent → device check → Start → "Live", with the microphone spy in the page from its first load. */
async function goLiveWatchingMicrophones(host: WebHostProcess, problems: string[]): Promise<Page> {
  return goLive(browser, host.url, `e2e-degradation-${Date.now()}`, problems, { beforeGoto: spyOnMicrophones });
}

/** A spy, not a stand-in: the real getUserMedia, remembering the tracks it handed out (window.__micTracks). */
async function spyOnMicrophones(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const media = navigator.mediaDevices;
    const real = media.getUserMedia.bind(media);
    const tracks: MediaStreamTrack[] = [];
    Object.assign(window, { __micTracks: tracks });
    media.getUserMedia = async (constraints) => {
      const stream = await real(constraints);
      tracks.push(...stream.getAudioTracks());
      return stream;
    };
  });
}

function callNow(id: string): CallSnapshot {
  const call = sim.control.calls().find((c) => c.id === id);
  if (!call) throw new Error(`no call ${id}`);
  return call;
}

/**
 * The interview is live on the same call and its audio goes on both ways: the simulator hears more
 * of the candidate's voice and sends more of the interviewer's, and a new interviewer line is shown.
 */
async function expectInterviewGoesOn(page: Page, callId: string): Promise<void> {
  const before = callNow(callId);
  const interviewerLines = await finalCount(page, 'Interviewer');
  await expect.poll(() => callNow(callId).inbound.voicedMs, { timeout: 30_000, interval: 500 }).toBeGreaterThan(before.inbound.voicedMs + 1_000);
  await expect.poll(() => callNow(callId).outbound.packets, { timeout: 30_000, interval: 500 }).toBeGreaterThan(before.outbound.packets + 50);
  await expect.poll(() => finalCount(page, 'Interviewer'), { timeout: 60_000, interval: 500 }).toBeGreaterThan(interviewerLines);
  expect(callNow(callId).state).toBe('open');
  expect(await page.getByRole('status').first().textContent()).toMatch(/^Live/);
}

describe('degradation never stops the audio, and the room says what is affected', () => {
  it('a failed candidate transcription, failing uploads (Supabase unreachable), a lost sideband (token service restart), the microphone in use gone: a warning each time, the interview live on the same call; every allowed microphone gone: paused on that call until one is back', async () => {
    const problems: string[] = [];
    const page = await goLiveWatchingMicrophones(await station(), problems);
    await expect.poll(() => finalCount(page, 'Candidate'), { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    const call = openCall(sim);

    // 1. The candidate's transcription fails: a warning; the interviewer still hears and answers.
    sim.control.faultCall(call.id, { kind: 'transcription-failed' });
    const transcription = page.getByRole('alert').filter({ hasText: TRANSCRIPTION_WARNING });
    await transcription.waitFor({ timeout: 90_000 });
    expect(await transcription.textContent()).toContain('the interview goes on; the transcript marks the gap');
    await expectInterviewGoesOn(page, call.id);
    await shot(page, '1-transcription-failed');

    // 2. Supabase unreachable: uploads fail; everything stays here, and the interview goes on.
    await supabaseGate.close();
    try {
      const uploads = page.getByRole('alert').filter({ hasText: UPLOAD_WARNING });
      await uploads.waitFor({ timeout: 90_000 });
      await expectInterviewGoesOn(page, call.id);
      await shot(page, '2-uploads-failing');
    } finally {
      await supabaseGate.open();
    }
    // Back: the warning goes once uploads get through again.
    await expect.poll(() => page.getByRole('alert').filter({ hasText: UPLOAD_WARNING }).count(), { timeout: 90_000, interval: 1_000 }).toBe(0);

    // 3. The token service restarts: its sideband copy of the transcript is lost; the call goes on.
    await restartTokenService();
    await page.getByRole('alert').filter({ hasText: SIDEBAND_WARNING }).waitFor({ timeout: 30_000 });
    await expectInterviewGoesOn(page, call.id);
    await shot(page, '3-sideband-lost');

    // 4. The microphone in use goes away (the page ends its track; see the note at the top).
    const lost = await page.evaluate(() => {
      const live = (window as unknown as { __micTracks: MediaStreamTrack[] }).__micTracks.filter((t) => t.readyState === 'live');
      if (live.length !== 1) return `expected one live microphone track, found ${live.length}`;
      const [track] = live;
      track!.stop();
      track!.dispatchEvent(new Event('ended'));
      return track!.label;
    });
    expect(lost).toBe('Fake Default Audio Input');
    // "Fake Audio Input 1" is not allowed by the configuration: the station takes "Fake Audio Input 2".
    await page.getByRole('alert').filter({ hasText: 'Microphone disconnected. Now using Fake Audio Input 2.' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __micTracks: MediaStreamTrack[] }).__micTracks.filter((t) => t.readyState === 'live').map((t) => t.label))).toEqual(['Fake Audio Input 2']);
    await expectInterviewGoesOn(page, call.id);
    expect(openCall(sim).id).toBe(call.id);
    await shot(page, '4-microphone-switched');

    // 5. Every allowed microphone unplugged: the interview pauses on the same call and asks for one;
    // plugged back in, it goes on (the page lists the devices as unplugged; see the note at the top).
    const voicedBeforePause = await page.evaluate(() => {
      const media = navigator.mediaDevices;
      const real = media.enumerateDevices.bind(media);
      const unplugged = { on: true };
      Object.assign(window, { __unplugged: unplugged });
      media.enumerateDevices = async () => (await real()).filter((d) => !unplugged.on || d.kind !== 'audioinput' || d.label === 'Fake Audio Input 1');
      const [track] = (window as unknown as { __micTracks: MediaStreamTrack[] }).__micTracks.filter((t) => t.readyState === 'live');
      track!.stop();
      track!.dispatchEvent(new Event('ended'));
    }).then(() => callNow(call.id).inbound.voicedMs);
    await roomStatus(page, /^Paused/, 30_000);
    await expect.poll(() => page.getByRole('alert').locator('.paused-message').textContent()).toBe(MICROPHONE_PAUSED_MESSAGE);
    expect(await page.getByRole('button', { name: 'End interview' }).isEnabled()).toBe(true);
    await shot(page, '5-microphone-missing');
    // The call stays up and nothing reaches the interviewer while no microphone is connected.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(callNow(call.id).state).toBe('open');
    expect(callNow(call.id).inbound.voicedMs).toBeLessThan(voicedBeforePause + 1_000);
    await page.evaluate(() => {
      (window as unknown as { __unplugged: { on: boolean } }).__unplugged.on = false;
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    });
    await page.getByRole('alert').filter({ hasText: 'Microphone connected. Now using Fake Default Audio Input; the interview goes on.' }).waitFor({ timeout: 30_000 });
    await roomStatus(page, /^Live/, 10_000);
    expect(await page.getByText(MICROPHONE_PAUSED_MESSAGE).count()).toBe(0);
    await expectInterviewGoesOn(page, call.id);
    expect(openCall(sim).id).toBe(call.id);
    await shot(page, '6-microphone-back');

    await endInterview(page);
    expect(problems).toEqual([]);
  }, 540_000);
});
