import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../index';
import { CANDIDATE_FIXTURE_TEXT, DEFAULT_SCRIPT } from '../script';
import { launchChromium } from './chromium';

/**
 * The proofs against clients nobody here wrote, in Debian's Chromium with a fake microphone
 * playing a WAV of speech: the page from OpenAI's WebRTC guide (served as the demo page), and the
 * Agents SDK's WebRTC transport pointed at the simulator.
 */
type DemoState = { events: { type: string; [k: string]: unknown }[]; peakLevel: number; callId: string | null; error: unknown; connectionState: string };

/**
 * The few browser globals the in-page functions use. This file is type-checked as Node code (the
 * DOM library would leak into every Node file), so the page's world is declared here, narrowly.
 */
interface PageGlobals {
  demo: DemoState;
  OpenAIAgentsRealtime: { OpenAIRealtimeWebRTC: new (o: { baseUrl: string; audioElement: unknown }) => Transport };
  document: { createElement(tag: 'audio'): AudioElement; body: { append(node: unknown): void } };
  AudioContext: new () => {
    createAnalyser(): { fftSize: number; getFloatTimeDomainData(a: Float32Array): void };
    createMediaStreamSource(s: unknown): { connect(n: unknown): void };
  };
}
interface AudioElement {
  srcObject: unknown;
}
interface Transport {
  connect(o: { apiKey: string; model: string }): Promise<void>;
  on(event: string, cb: (e: unknown) => void): void;
  callId?: string;
  status: string;
  close(): void;
}

let sim: RealtimeSimulatorHandle;
let browser: Browser;
const figures: Record<string, number> = {};

beforeAll(async () => {
  sim = await startRealtimeSimulator({ demo: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
  // Measured figures for the report; never asserted (timings belong in benchmarks).
  console.log(`realtime simulator figures: ${JSON.stringify(figures)}`);
});

const demo = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).demo);

describe("OpenAI's WebRTC guide, in Chromium", () => {
  it('connects, hears the interviewer, receives the events in order, and its speech is transcribed honestly', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.url}/`);
      const started = Date.now();
      await page.click('#start');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).demo.events.some((e) => e.type === 'session.created'));
      figures['guideStartToSessionCreatedMs'] = Date.now() - started;
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).demo.events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'),
        null,
        { timeout: 20_000 },
      );
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).demo.events.some((e) => e.type === 'output_audio_buffer.stopped'), null, { timeout: 20_000 });
      const state = await demo(page);
      expect(state.error).toBeNull();
      expect(state.connectionState).toBe('connected');
      // A person hears the interviewer: the <audio> element's stream is far from silent.
      expect(state.peakLevel).toBeGreaterThan(0.02);
      figures['guidePeakRemoteRms'] = Math.round(state.peakLevel * 1000) / 1000;

      const types = state.events.map((e) => e.type);
      expect(types[0]).toBe('session.created');
      const order = ['output_audio_buffer.started', 'response.output_audio_transcript.delta', 'response.output_audio_transcript.done', 'response.done', 'output_audio_buffer.stopped'];
      const positions = order.map((t) => types.indexOf(t));
      expect(positions.every((p) => p > 0), types.join(' ')).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(state.events.find((e) => e.type === 'response.output_audio_transcript.done')?.['transcript']).toBe(DEFAULT_SCRIPT.lines[0]);

      // One utterance's events come in order. Matched by item id: on a busy machine the fake
      // microphone's looping WAV can open a second turn before the first one's transcript arrives.
      const completed = state.events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
      const speech = ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'conversation.item.input_audio_transcription.completed'].map((t) =>
        state.events.findIndex((e) => e.type === t && e['item_id'] === completed?.['item_id']),
      );
      expect(speech.every((p) => p >= 0), types.join(' ')).toBe(true);
      expect([...speech].sort((a, b) => a - b)).toEqual(speech);
      const transcript = String(completed?.['transcript']);
      expect(transcript).toMatch(/^\[candidate speech, \d+\.\d s\]$/);
      expect(transcript).not.toMatch(new RegExp(CANDIDATE_FIXTURE_TEXT.split(' ').filter((w) => w.length > 3).join('|'), 'i'));
      // The simulator measured the candidate's microphone too: packets and a speech-level peak.
      const call = sim.control.call(state.callId ?? '');
      expect(call?.inbound.packets).toBeGreaterThan(50);
      expect(call?.inbound.peakDbfs).toBeGreaterThan(-35);
      figures['guideCandidateSeconds'] = Number(/([\d.]+) s/.exec(transcript)?.[1]);

      // Hanging up in the page (pc.close()) ends the call on the simulator's side too.
      await page.click('#stop');
      await expect.poll(() => sim.control.call(state.callId ?? '')?.endReason, { timeout: 10_000 }).toBe('client closed the connection');
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe("OpenAI's Agents SDK WebRTC transport, in Chromium", () => {
  it('connects with baseUrl pointed at the simulator, gets session.updated, and hears the interviewer', async () => {
    const page = await browser.newPage();
    try {
      // The SDK's own browser bundle, unmodified, on a page of the simulator's origin.
      await page.goto(`${sim.url}/`);
      const entry = createRequire(import.meta.url).resolve('@openai/agents-realtime'); // .../dist/index.js
      const bundle = join(dirname(entry), 'bundle', 'openai-realtime-agents.umd.js');
      await page.addScriptTag({ path: bundle });
      const result = await page.evaluate(async (origin) => {
        const page = globalThis as unknown as PageGlobals;
        const token = (await (await fetch('/token')).json()) as { value: string };
        const audioElement = page.document.createElement('audio');
        page.document.body.append(audioElement);
        const transport = new page.OpenAIAgentsRealtime.OpenAIRealtimeWebRTC({ baseUrl: `${origin}/v1/realtime/calls`, audioElement });
        const seen: string[] = [];
        transport.on('*', (e) => seen.push((e as { type: string }).type));
        const started = performance.now();
        await transport.connect({ apiKey: token.value, model: 'gpt-realtime' });
        const connectMs = performance.now() - started;
        // What a person hears: the level of the stream the SDK put on the <audio> element.
        const context = new page.AudioContext();
        const analyser = context.createAnalyser();
        context.createMediaStreamSource(audioElement.srcObject).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        let peak = 0;
        const meter = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          peak = Math.max(peak, Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length));
        }, 50);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no audio end; saw ${seen.join(',')}`)), 20_000);
          const poll = setInterval(() => {
            if (seen.includes('output_audio_buffer.stopped')) {
              clearInterval(poll);
              clearTimeout(timer);
              resolve();
            }
          }, 100);
        });
        clearInterval(meter);
        const out = { seen, callId: transport.callId, status: transport.status, connectMs, peak };
        transport.close();
        return out;
      }, sim.url);
      expect(result.status).toBe('connected');
      expect(result.callId).toMatch(/^rtc_/);
      expect(result.seen).toContain('session.updated');
      expect(result.peak).toBeGreaterThan(0.02);
      expect(result.seen.indexOf('response.output_audio_transcript.done')).toBeGreaterThan(result.seen.indexOf('output_audio_buffer.started'));
      const call = sim.control.call(result.callId ?? '');
      expect(call?.outbound.packets).toBeGreaterThan(100);
      figures['agentsSdkConnectMs'] = Math.round(result.connectMs);
    } finally {
      await page.close();
    }
  }, 60_000);
});
