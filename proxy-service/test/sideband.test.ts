import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { Sideband, type SidebandTranscript } from '../src/transcripts/sideband';
import type { RealtimeUpstream } from '../src/upstream/openai';
import { LogCapture } from './support/harness';

/**
 * The sideband's resilience, against a scripted Realtime server: a lost connection is re-attached
 * (and never ends the call), a normal close or a gone call means the call is over, and OpenAI's
 * `session_expired` is reported.
 */
let server: Server;
let url = '';
/** What the scripted server does with the n-th connection for a call. */
let script: (ws: WebSocket, attempt: number) => void = () => undefined;
let attempts = 0;
const wss = new WebSocketServer({ noServer: true });

beforeAll(async () => {
  server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').includes('call_id=rtc_gone')) return void socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => script(ws, ++attempts));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sidebandFor(callId: string) {
  const heard: SidebandTranscript[] = [];
  const events = { ended: 0, expired: 0 };
  const upstream = { sideband: (id: string) => ({ url: `${url}/v1/realtime?call_id=${id}`, headers: {} }) } as unknown as RealtimeUpstream;
  const sideband = new Sideband({
    sessionId: '9f1c2f5e-3b7a-4c1e-9a53-1f0d7c2b8e11',
    callId,
    upstream,
    log: createLogger({ level: 'silent', secrets: [], destination: new LogCapture() }),
    metrics: createMetrics({ defaultMetrics: false }),
    onTranscript: (entry) => heard.push(entry),
    onSessionExpired: () => (events.expired += 1),
    onCallEnded: () => (events.ended += 1),
  });
  return { sideband, heard, events };
}

const done = (itemId: string, transcript: string) =>
  JSON.stringify({ type: 'response.output_audio_transcript.done', response_id: 'resp_1', item_id: itemId, output_index: 0, content_index: 0, transcript });

describe('the sideband', () => {
  it('re-attaches after a lost connection and keeps delivering final transcripts, ordered by first sight', async () => {
    attempts = 0;
    script = (ws, attempt) => {
      if (attempt === 1) {
        ws.send(JSON.stringify({ type: 'input_audio_buffer.speech_started', item_id: 'item_a', audio_start_ms: 100 }));
        setTimeout(() => ws.terminate(), 50); // lost, not closed
        return;
      }
      ws.send(JSON.stringify({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_a', content_index: 0, transcript: 'hello' }));
      ws.send(JSON.stringify({ type: 'response.output_audio_transcript.delta', response_id: 'resp_1', item_id: 'item_b', output_index: 0, content_index: 0, delta: 'Hi' }));
      ws.send(done('item_b', 'Hi there'));
    };
    const { sideband, heard, events } = sidebandFor('rtc_lossy');
    sideband.start();
    await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(2);
    expect(attempts).toBe(2);
    expect(events.ended).toBe(0);
    expect(heard.map((e) => [e.itemId, e.speaker, e.content])).toEqual([
      ['item_a', 'candidate', 'hello'],
      ['item_b', 'ai', 'Hi there'],
    ]);
    // item_a's speech began at its speech_started, before the connection was lost.
    expect(Date.parse(heard[0]?.speechStartedAt ?? '')).toBeLessThan(Date.parse(heard[1]?.speechStartedAt ?? ''));
    sideband.close();
  });

  it('treats a normal close and a gone call as the end of the call, and reports session_expired', async () => {
    script = (ws) => {
      ws.send(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.', param: null } }));
      setTimeout(() => ws.close(1000, 'call ended'), 20);
    };
    const closed = sidebandFor('rtc_closing');
    closed.sideband.start();
    await expect.poll(() => closed.events.ended).toBe(1);
    expect(closed.events.expired).toBe(1);

    const gone = sidebandFor('rtc_gone');
    gone.sideband.start();
    await expect.poll(() => gone.events.ended).toBe(1);
  });
});
