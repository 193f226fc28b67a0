import { type RTCDataChannel, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export type ServerEvent = { type: string } & Record<string, unknown>;

/**
 * A WebRTC client in Node (werift as the offerer), as the station's renderer is: an audio
 * transceiver, the `oai-events` data channel created before the offer, candidates gathered into
 * the offer. Records the events the call sends on the data channel.
 */
export class OfferingPeer {
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })], video: [] },
  });
  readonly channel: RTCDataChannel;
  readonly events: ServerEvent[] = [];

  constructor() {
    this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.channel = this.pc.createDataChannel('oai-events');
    this.channel.onMessage.subscribe((data) => this.events.push(JSON.parse(data.toString()) as ServerEvent));
  }

  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 3_000);
      this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return this.pc.localDescription?.sdp ?? '';
  }

  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  async waitFor(predicate: (event: ServerEvent) => boolean, timeoutMs = 15_000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching data-channel event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
  }
}
