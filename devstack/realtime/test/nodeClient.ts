import { readFileSync } from 'node:fs';
import {
  type RTCDataChannel,
  RTCPeerConnection,
  type RTCRtpTransceiver,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';
import { FRAME_MS, FRAME_SAMPLES, OPUS_RATE, OpusLevelMeter, encodePcm, parseWav, resample } from '../opus';
import { CANDIDATE_WAV } from './chromium';

/** The candidate fixture as Opus packets, what a browser would send for it. */
export function candidatePackets(): Buffer[] {
  const { rate, samples } = parseWav(readFileSync(CANDIDATE_WAV));
  return encodePcm(resample(samples, rate, OPUS_RATE), 32_000);
}

export type ServerEvent = { type: string } & Record<string, unknown>;

/**
 * A WebRTC client in Node (werift as the offerer) doing what a browser does: audio transceiver,
 * `oai-events` channel, offer posted to `/v1/realtime/calls`. It records the events and measures
 * the audio it hears, so tests can check what a person would notice without a browser.
 */
export class NodeRealtimeClient {
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })], video: [] },
  });
  readonly events: ServerEvent[] = [];
  readonly channel: RTCDataChannel;
  readonly heard = { packets: 0, peakDbfs: -100 };
  callId: string | null = null;
  private readonly transceiver: RTCRtpTransceiver;
  private readonly meter = new OpusLevelMeter();
  private waiters: (() => void)[] = [];

  constructor() {
    this.transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.transceiver.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        this.heard.packets += 1;
        const level = this.meter.measure(rtp.payload);
        if (level) this.heard.peakDbfs = Math.max(this.heard.peakDbfs, level.dbfs);
      }),
    );
    this.channel = this.pc.createDataChannel('oai-events');
    this.channel.onMessage.subscribe((data) => {
      this.events.push(JSON.parse(data.toString()) as ServerEvent);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Posts the offer; returns the raw response so tests can check refusals. */
  async call(url: string, key: string, init: { contentType?: string; body?: (sdp: string) => string | FormData } = {}): Promise<Response> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 3_000);
      this.pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && (clearTimeout(timer), resolve()));
    });
    const sdp = this.pc.localDescription?.sdp ?? '';
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (init.contentType !== undefined) headers['content-type'] = init.contentType;
    else if (!init.body) headers['content-type'] = 'application/sdp';
    const res = await fetch(`${url}/v1/realtime/calls`, { method: 'POST', headers, body: init.body ? init.body(sdp) : sdp });
    if (res.status === 201) {
      this.callId = res.headers.get('location')?.split('/').pop() ?? null;
      await this.pc.setRemoteDescription({ type: 'answer', sdp: await res.clone().text() });
    }
    return res;
  }

  /** Resolves with the first event matching `predicate` (already received or yet to come). */
  async waitFor(predicate: (e: ServerEvent) => boolean, timeoutMs = 15_000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  send(event: Record<string, unknown>): void {
    this.channel.send(JSON.stringify(event));
  }

  /** Speaks `packets` into the call in real time (20 ms each), as a microphone would. */
  async speak(packets: readonly Buffer[]): Promise<void> {
    let sequence = 1;
    let timestamp = 1;
    const start = Date.now();
    for (const [i, payload] of packets.entries()) {
      const header = new RtpHeader({ sequenceNumber: sequence++, timestamp, marker: i === 0, payloadType: 111 });
      timestamp += FRAME_SAMPLES;
      await this.transceiver.sender.sendRtp(new RtpPacket(header, payload));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (i + 1) * FRAME_MS - Date.now())));
    }
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
    this.meter.dispose();
  }
}
